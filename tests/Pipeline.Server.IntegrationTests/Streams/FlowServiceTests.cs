using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Ledger;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Streams.Hosting;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests.Streams;

/// <summary>The ledger's windows in a running service: idle ticks close them, the queries answer, and a consumer process running the same definitions over a subscription gets the same results.</summary>
public sealed class FlowServiceTests : IAsyncLifetime
{
    private static readonly (string, string)[] s_windows =
    [
        ("Pipeline:Streams:Enabled", "true"),
        ("Pipeline:Streams:TickInterval", "00:00:00.050"),
        ("Ledger:DepositWindow", "00:00:00.400"),
        ("Ledger:DepositSlide", "00:00:00.200"),
        ("Ledger:BusiestWindow", "00:00:00.500"),
        ("Ledger:BusiestTop", "2"),
    ];

    private static readonly LedgerStreamOptions s_options = new(TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), 2);
    private readonly TempDirectory _temp = new();
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync(_temp.Combine("data"), s_windows);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private Task<PipelineClient> ConnectAsync() => PipelineClient.ConnectAsync(new PipelineClientOptions { Port = _server.Port, ProtocolVersion = FrameHeader.ConsumerProtocolVersion }).WaitAsync(TestTimeouts.Default);

    private static ReadOnlyMemory<byte> Json(object value) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value));

    // Polls a query until its answer satisfies the condition: windows close by journal time, which only the ticks advance while idle.
    private static async Task<QueryResult> QueryUntilAsync(PipelineClient client, string name, string args, Func<QueryResult, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            QueryResult result = await client.QueryAsync(name, args).WaitAsync(TestTimeouts.Default);
            if (condition(result))
            {
                return result;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task DepositsThenIdle_TicksCloseTheWindows_AndTheQueriesAnswerTheLatestResults()
    {
        await using PipelineClient client = await ConnectAsync();
        Assert.Equal(AckStatus.Ok, (await client.PublishAsync("ledger.open", Json(new { account = "a" }))).Status);
        Assert.Equal(AckStatus.Ok, (await client.PublishAsync("ledger.open", Json(new { account = "b" }))).Status);
        Ack[] acks = await client.PublishBatchAsync(
        [
            ("ledger.deposit", Json(new { account = "a", amount = 10 })),
            ("ledger.deposit", Json(new { account = "a", amount = 20 })),
            ("ledger.deposit", Json(new { account = "b", amount = 60 })),
        ]).WaitAsync(TestTimeouts.Default);
        Assert.All(acks, a => Assert.Equal(AckStatus.Ok, a.Status));

        // No more input: only ticks can close the windows holding these deposits.
        QueryResult stats = await QueryUntilAsync(client, "pipeline.stream.results", "{\"stream\":\"ledger.deposit-stats\"}",
            r => r.Status == ResultStatus.Ok && r.Body.Contains("\"count\":3", StringComparison.Ordinal));
        string end;
        using (JsonDocument doc = JsonDocument.Parse(stats.Body))
        {
            JsonElement result = doc.RootElement.GetProperty("results")[0];
            JsonElement value = result.GetProperty("value");
            Assert.Equal(90, value.GetProperty("sum").GetInt64());
            Assert.Equal(30.0, value.GetProperty("average").GetDouble());
            end = result.GetProperty("end").GetString()!;
        }

        // One window by its end (the view keeps the last windows of each key).
        QueryResult window = await client.QueryAsync("pipeline.stream.results", JsonSerializer.Serialize(new { stream = "ledger.deposit-stats", end })).WaitAsync(TestTimeouts.Default);
        Assert.Equal(ResultStatus.Ok, window.Status);
        using (JsonDocument doc = JsonDocument.Parse(window.Body))
        {
            Assert.Equal(end, doc.RootElement.GetProperty("results")[0].GetProperty("end").GetString());
        }

        QueryResult busiest = await QueryUntilAsync(client, "pipeline.stream.results", "{\"stream\":\"ledger.busiest-accounts\"}",
            r => r.Status == ResultStatus.Ok && r.Body.Contains("\"top\"", StringComparison.Ordinal));
        using (JsonDocument doc = JsonDocument.Parse(busiest.Body))
        {
            // Over one or two windows (the deposits may straddle a boundary); the latest window's leader is named first.
            JsonElement top = doc.RootElement.GetProperty("results")[0].GetProperty("top");
            Assert.InRange(top.GetArrayLength(), 1, 2);
            Assert.All(top.EnumerateArray(), e => Assert.Contains(e.GetProperty("key").GetString(), new[] { "a", "b" }));
        }

        QueryResult list = await client.QueryAsync("pipeline.streams", "{}").WaitAsync(TestTimeouts.Default);
        Assert.Equal(ResultStatus.Ok, list.Status);
        Assert.Contains("\"name\":\"ledger.deposit-stats\"", list.Body, StringComparison.Ordinal);
        Assert.Contains("\"late_events\":0", list.Body, StringComparison.Ordinal);

        // The results are events: readable by type, each stored by a tick or a command.
        ReadResult stored = await client.ReadTypeAsync(LedgerStreams.DepositStatsName, 1, 100).WaitAsync(TestTimeouts.Default);
        Assert.NotEmpty(stored.Events);
        Assert.All(stored.Events, e => Assert.Equal(LedgerStreams.DepositStatsName, e.Stream));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("{\"stream\":\"ledger.nope\"}", ResultStatus.NotFound)]
    [InlineData("{}", ResultStatus.BadRequest)]
    [InlineData("{\"stream\":7}", ResultStatus.BadRequest)]
    [InlineData("not json", ResultStatus.BadRequest)]
    [InlineData("{\"stream\":\"ledger.deposit-stats\",\"key\":\"nobody\"}", ResultStatus.NotFound)]
    [InlineData("{\"stream\":\"ledger.deposit-stats\",\"end\":\"2000-01-01T00:00:00Z\"}", ResultStatus.NotFound)]
    [InlineData("{\"stream\":\"ledger.deposit-stats\",\"end\":\"not a time\"}", ResultStatus.BadRequest)]
    public async Task StreamResultsQuery_BadArguments_AnswerWithTheReason(string args, ResultStatus expected)
    {
        await using PipelineClient client = await ConnectAsync();
        QueryResult result = await client.QueryAsync("pipeline.stream.results", args).WaitAsync(TestTimeouts.Default);
        Assert.Equal(expected, result.Status);
        Assert.Contains("\"error\"", result.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task ConsumerProcess_SameDefinitionsOverASubscription_GivesTheServicesResults()
    {
        await using PipelineClient client = await ConnectAsync();
        var mix = new LedgerCommandMix(new Random(7), "c");
        for (int round = 0; round < 6; round++)
        {
            await client.PublishBatchAsync(mix.Next(40)).WaitAsync(TestTimeouts.Default);
            await Task.Delay(150 + (round * 60)); // idle spells: some windows close on ticks
        }

        // Wait until every window holding data has closed (nothing pending: no tick or result comes after that), then
        // read the last event once everything the flows were fed is visible.
        QueryResult idle = await QueryUntilAsync(client, "pipeline.streams", "{}", r => r.Body.Contains("\"pending\":false", StringComparison.Ordinal));
        ulong applied;
        using (JsonDocument doc = JsonDocument.Parse(idle.Body))
        {
            applied = doc.RootElement.GetProperty("applied").GetUInt64();
        }

        ReadResult last = await client.ReadAllBackwardAsync(ulong.MaxValue, 1, minSequence: applied).WaitAsync(TestTimeouts.Default);
        ulong head = last.Events[0].Position;

        // The consumer: the same definitions, fed by a subscription from the beginning.
        var local = new RecordingOutput();
        var runner = new StreamRunner<LedgerEvent>(LedgerStreams.Create(s_options), local);
        var service = new List<(string Type, string Payload)>();
        await using PipelineClient consumer = await ConnectAsync();
        using var cancel = new CancellationTokenSource(TestTimeouts.Default);
        await foreach (SubscriptionItem item in consumer.SubscribeAsync(new SubscriptionOptions(), cancel.Token))
        {
            if (item.Kind == SubscriptionItemKind.Event)
            {
                StoredEvent e = item.Event!;
                if (e.Type is LedgerStreams.DepositStatsName or LedgerStreams.BusiestAccountsName)
                {
                    service.Add((e.Type, Encoding.UTF8.GetString(e.Payload.Span)));
                }

                bool decoded = LedgerStoredEvents.TryRead(e.Type, e.Stream, (long)e.StreamVersion, e.Payload.Span, out LedgerEvent ledgerEvent);
                runner.OnStored(decoded, ledgerEvent, e.TimestampTicks);
                if (e.Position >= head)
                {
                    break;
                }
            }
        }

        Assert.NotEmpty(service);
        Assert.Equal(service, local.Results);
    }

    private sealed class RecordingOutput : IStreamOutput
    {
        public List<(string Type, string Payload)> Results { get; } = [];

        public void Result(StreamDefinition stream, string? key, long windowEnd, ReadOnlySpan<byte> payload) => Results.Add((stream.Name, Encoding.UTF8.GetString(payload)));

        public void Late(StreamDefinition stream, ReadOnlySpan<byte> payload) => Results.Add((stream.LateType, Encoding.UTF8.GetString(payload)));
    }
}
