using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Peers;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Peers.Tests;

// One short run of every workload against each real peer server, when it is installed (.ci/run installs them):
// the driver starts the server, appends, reads back exactly what it wrote, subscribes, and stops it.
public sealed class PeerSmokeTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);
    private readonly TempDirectory _out = new();

    public void Dispose() => _out.Dispose();

    public static TheoryData<string> Systems => ["marten", "marten-batch", "redis", "nats", "nats-sync"];

    [SkippableTheory]
    [MemberData(nameof(Systems))]
    public async Task Every_workload_runs_against_the_real_server(string system)
    {
        await using (IPeerSystem probe = PeerSystems.Create(system))
        {
            string? missing = probe.Missing();
            Skip.If(missing is not null, missing);
        }

        await RunAsync(system, "--workload", "append", "--mode", "closed", "--duration", "1", "--warmup", "0.5");
        // 100/s: within what every peer sustains on 2 connections on a slow CI disk (Marten commits one event per
        // fsync), so the smoke checks the plumbing, not the machine.
        await RunAsync(system, "--workload", "append", "--mode", "open", "--rate", "100", "--duration", "1", "--warmup", "0.5");
        JsonElement read = await RunAsync(system, "--workload", "read", "--events", "10000", "--stream-reads", "3", "--repeat", "1");
        Assert.Equal(1000, read.GetProperty("read").GetProperty("streamEvents").GetInt64());
        JsonElement subscribe = await RunAsync(system, "--workload", "subscribe", "--rate", "100", "--duration", "1", "--warmup", "1");
        Assert.True(subscribe.GetProperty("subscribe").GetProperty("delivered").GetInt64() > 0);
    }

    private async Task<JsonElement> RunAsync(string system, params string[] args)
    {
        Assert.True(PeerOptions.TryParse(["run", "--system", system, "--connections", "2", "--accounts", "100", .. args, "--out", _out.Path], "/tmp", out PeerOptions options, out string? error), error);
        using var cancel = new CancellationTokenSource(s_timeout);
        var console = new StringWriter();
        int code = await PeerRun.RunAsync(options, PeerSystems.Create(system), console, TimeProvider.System, cancel.Token).WaitAsync(s_timeout);
        string log = File.ReadAllText(Path.Combine(_out.Path, options.Name + ".log"));
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out.Path, options.Name + ".json")));
        Assert.True(code == 0, $"{options.Name} exited {code}: {console}\n{log}");
        Assert.False(json.RootElement.GetProperty("failed").GetBoolean());
        Assert.Null(json.RootElement.GetProperty("skipped").GetString());
        return json.RootElement.Clone();
    }
}
