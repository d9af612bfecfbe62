using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Client;
using Pipeline.Hosting;
using Pipeline.Hosting.Hosting;
using Pipeline.Ledger;
using Pipeline.Protocol;
using Pipeline.Testing;

namespace Pipeline.Server.IntegrationTests.Infrastructure;

/// <summary>
/// The worker service hosting the ledger in this process (the Generic Host, as Program.cs builds it) on a free port,
/// over a data folder it can stop and start again; faster than a child process and configurable per test.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, string?> _settings;
    private IHost? _host;

    private InProcessServer(Dictionary<string, string?> settings)
    {
        _settings = settings;
    }

    public int Port { get; private set; }

    /// <summary>Starts a server over <paramref name="dataDirectory"/> with <paramref name="settings"/> (keys such as <c>Pipeline:Consumers:HeartbeatInterval</c>).</summary>
    public static async Task<InProcessServer> StartAsync(string dataDirectory, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = dataDirectory,
            ["Pipeline:Ingest:Port"] = "0",
            ["Pipeline:Journal:SegmentSizeBytes"] = "8388608",
            // The ledger's windows emit results (and ticks take sequences) by wall time: tests of exact event logs
            // and sequences run without them; the stream tests switch them on.
            ["Pipeline:Streams:Enabled"] = "false",
        };
        foreach ((string key, string value) in settings)
        {
            all[key] = value;
        }

        var server = new InProcessServer(all);
        await server.StartHostAsync();
        return server;
    }

    /// <summary>Stops the server gracefully and starts it again on the same data folder (a new port).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartHostAsync();
    }

    public async Task StopAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.StopAsync().WaitAsync(s_step);
            host.Dispose();
        }
    }

    private async Task StartHostAsync()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.Logging.ClearProviders();
        builder.Services.AddPipeline(builder.Configuration).AddApplication(Pipeline.Server.LedgerSettings.CreateLedger(builder.Configuration));
        IHost host = builder.Build();
        await host.StartAsync().WaitAsync(s_step);
        _host = host;
        Port = host.Services.GetServices<IHostedService>().OfType<PipelineWorker>().Single().Port;
    }

    /// <summary>A raw-frame connection after HELLO/WELCOME at <paramref name="version"/>.</summary>
    public async Task<FrameConnection> ConnectAsync(ushort version = FrameHeader.ConsumerProtocolVersion, ulong producerId = 0, int? receiveBufferBytes = null)
    {
        FrameConnection client = await FrameConnection.ConnectAsync(Port, receiveBufferBytes);
        await client.SendAsync(FrameBytes.Hello(producerId, "consumer-tests", version));
        (await client.ReadRequiredFrameAsync()).AsWelcome();
        return client;
    }

    /// <summary>A .NET client that publishes (a writer).</summary>
    public Task<PipelineClient> WriterAsync(ulong producerId) =>
        PipelineClient.ConnectAsync(new PipelineClientOptions { Port = Port, ProducerId = producerId, ClientName = "writer", ProtocolVersion = Protocol.FrameHeader.ConsumerProtocolVersion });

    public static ReadOnlyMemory<byte> Json(string text) => Encoding.UTF8.GetBytes(text);

    public async ValueTask DisposeAsync() => await StopAsync();
}
