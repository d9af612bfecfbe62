using System.Threading.Tasks;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests.Infrastructure;

/// <summary>One server process shared by a test class; tests keep apart by account names and producer ids.</summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    public const int MaxFrameLength = 65536;
    public const int MaxPayloadBytes = 4096;

    private readonly TempDirectory _data = new();
    private ServerProcess? _server;

    internal ServerProcess Server => _server!;

    public int Port => Server.Port;

    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync(
            _data.Combine("data"),
            $"--Pipeline:Ingest:MaxFrameLength={MaxFrameLength}",
            $"--Pipeline:Journal:MaxPayloadBytes={MaxPayloadBytes}",
            "--Pipeline:Ingest:QueryTimeout=00:00:00.500",
            "--Pipeline:Snapshots:IntervalEvents=1000");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _data.Dispose();
    }
}
