using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Client;
using Pipeline.EventStore;
using Pipeline.Hosting;
using Pipeline.Hosting.Hosting;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests.SecondApplication;

/// <summary>
/// A second application (named counters) hosted by the same engine as the ledger, end to end: TCP in, decisions,
/// events out to the event log, queries, a restart from the final snapshot, and a full replay without snapshots.
/// </summary>
public sealed class SecondApplicationTests : IDisposable
{
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private async Task<(IHost Host, int Port)> StartAsync()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = _data.Path,
            ["Pipeline:Ingest:Port"] = "0",
            ["Pipeline:Journal:SegmentSizeBytes"] = "8388608",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddPipeline(builder.Configuration).AddApplication(new CounterApplication());
        IHost host = builder.Build();
        await host.StartAsync().WaitAsync(s_step);
        int port = host.Services.GetServices<IHostedService>().OfType<PipelineWorker>().Single().Port;
        return (host, port);
    }

    private static async Task StopAsync(IHost host)
    {
        await host.StopAsync().WaitAsync(s_step);
        host.Dispose();
    }

    private static Task<PipelineClient> ConnectAsync(int port) =>
        PipelineClient.ConnectAsync(new PipelineClientOptions { Host = "127.0.0.1", Port = port, ClientName = "counter-test" });

    private static Task<Ack> Send(PipelineClient client, string type, string json) => client.PublishAsync(type, Encoding.UTF8.GetBytes(json));

    private List<(long Position, long Command, string Stream, long Version, string Type, string Payload)> StoredEvents()
    {
        var events = new List<(long, long, string, long, string, string)>();
        var reader = new EventLogReader(new EventLogOptions { Directory = Path.Combine(_data.Path, "events") });
        using EventLogCursor cursor = reader.ReadForward(1);
        while (cursor.TryRead(out EventRecord e))
        {
            events.Add((e.Position, e.CommandSequence, Encoding.UTF8.GetString(e.StreamId), e.StreamVersion, Encoding.UTF8.GetString(e.Type), Encoding.UTF8.GetString(e.Payload)));
        }

        return events;
    }

    [Fact(Timeout = 120_000)]
    public async Task CounterApplication_TcpInEventsOutRestartAndReplay_DecidesStoresAndRecoversLikeTheLedger()
    {
        (IHost host, int port) = await StartAsync();
        Ack[] acks;
        await using (PipelineClient client = await ConnectAsync(port))
        {
            acks =
            [
                await Send(client, "counter.add", """{"counter": "x", "by": 3}"""),
                await Send(client, "counter.add", """{"counter": "x", "by": 4}"""),
                await Send(client, "counter.reset", """{"counter": "y"}"""),
                await Send(client, "counter.add", """{"counter": "x", "by": 2000}"""),
                await Send(client, "counter.add", """{"counter": "x"}"""),
                await Send(client, "counter.sub", """{"counter": "x", "by": 1}"""),
                await Send(client, "counter.reset", """{"counter": "x"}"""),
                await Send(client, "counter.add", """{"counter": "y", "by": 5}"""),
            ];
            QueryResult x = await client.QueryAsync("counter.value", """{"counter": "x"}""", acks[^1].Sequence);
            QueryResult y = await client.QueryAsync("counter.value", """{"counter": "y"}""", acks[^1].Sequence);
            Assert.Equal((ResultStatus.Ok, """{"counter":"x","value":0}"""), (x.Status, x.Body));
            Assert.Equal((ResultStatus.Ok, """{"counter":"y","value":5}"""), (y.Status, y.Body));
        }

        Assert.Equal(
            [AckStatus.Ok, AckStatus.Ok, AckStatus.Rejected, AckStatus.Rejected, AckStatus.Rejected, AckStatus.Invalid, AckStatus.Ok, AckStatus.Ok],
            acks.Select(a => a.Status).ToArray());
        Assert.Equal(["", "", "unknown_counter", "over_limit", "malformed_payload"], acks.Take(5).Select(a => a.Detail).ToArray());
        Assert.StartsWith("unknown type 'counter.sub'", acks[5].Detail, StringComparison.Ordinal);
        Assert.Equal([1UL, 2, 3, 4, 5, 0, 6, 7], acks.Select(a => a.Sequence).ToArray());
        await StopAsync(host);

        var expected = new List<(long, long, string, long, string, string)>
        {
            (1, 1, "counter-x", 1, "counter.added", """{"counter":"x","by":3,"value":3}"""),
            (2, 2, "counter-x", 2, "counter.added", """{"counter":"x","by":4,"value":7}"""),
            (3, 6, "counter-x", 3, "counter.reset", """{"counter":"x","by":0,"value":0}"""),
            (4, 7, "counter-y", 1, "counter.added", """{"counter":"y","by":5,"value":5}"""),
        };
        Assert.Equal(expected, StoredEvents()); // rejected and invalid commands have no events

        // Restart from the final snapshot: the state, the stream versions and the positions go on where they were.
        (host, port) = await StartAsync();
        await using (PipelineClient client = await ConnectAsync(port))
        {
            Ack more = await Send(client, "counter.add", """{"counter": "y", "by": 1}""");
            Assert.Equal((AckStatus.Ok, 8UL), (more.Status, more.Sequence));
            QueryResult y = await client.QueryAsync("counter.value", """{"counter": "y"}""", more.Sequence);
            Assert.Equal("""{"counter":"y","value":6}""", y.Body);
        }

        await StopAsync(host);
        expected.Add((5, 8, "counter-y", 2, "counter.added", """{"counter":"y","by":1,"value":6}"""));
        Assert.Equal(expected, StoredEvents());

        // Without snapshots the whole journal is decided again: same state, and the event log gains no repeat.
        Directory.Delete(Path.Combine(_data.Path, "snapshots"), recursive: true);
        (host, port) = await StartAsync();
        await using (PipelineClient client = await ConnectAsync(port))
        {
            QueryResult x = await client.QueryAsync("counter.value", """{"counter": "x"}""");
            QueryResult y = await client.QueryAsync("counter.value", """{"counter": "y"}""");
            Assert.Equal(("""{"counter":"x","value":0}""", """{"counter":"y","value":6}"""), (x.Body, y.Body));
        }

        await StopAsync(host);
        Assert.Equal(expected, StoredEvents());
    }

    [Fact(Timeout = 120_000)]
    public async Task Decide_AnEventTheLogCannotStore_FailsTheCommandWholeAndTheNextOnesGoOn()
    {
        (IHost host, int port) = await StartAsync();
        string longName = new('n', 300); // stream "counter-nnn..." is over 255 bytes
        await using (PipelineClient client = await ConnectAsync(port))
        {
            Ack first = await Send(client, "counter.add", """{"counter": "x", "by": 1}""");
            Ack failed = await Send(client, "counter.add", "{\"counter\": \"" + longName + "\", \"by\": 1}");
            Ack after = await Send(client, "counter.add", """{"counter": "x", "by": 2}""");
            Assert.Equal((AckStatus.Ok, AckStatus.Rejected, "handler_failed", AckStatus.Ok), (first.Status, failed.Status, failed.Detail, after.Status));
            QueryResult missing = await client.QueryAsync("counter.value", "{\"counter\": \"" + longName + "\"}", after.Sequence);
            Assert.Equal(ResultStatus.NotFound, missing.Status); // the failed command changed no state
        }

        await StopAsync(host);
        Assert.Equal(
            [(1L, 1L, "counter-x", 1L, "counter.added", """{"counter":"x","by":1,"value":1}"""), (2L, 3L, "counter-x", 2L, "counter.added", """{"counter":"x","by":2,"value":3}""")],
            StoredEvents());
    }

    [Fact]
    public void AddApplication_Twice_RefusesWithAClearMessage()
    {
        var services = new ServiceCollection();
        PipelineRegistration registration = services.AddPipeline(new ConfigurationBuilder().Build());
        registration.AddApplication(new CounterApplication());

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => registration.AddApplication(new CounterApplication()));

        Assert.Contains("one application", refused.Message, StringComparison.Ordinal);
    }
}
