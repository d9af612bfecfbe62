using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>
/// The ledger's events read back from the real server over protocol version 2 (every selector, read-your-writes,
/// bad reads), and time travel: an account's balance as of a command sequence or a time.
/// </summary>
public sealed class EventReadTests
{
    private const ulong Producer = 42;

    private static async Task<(Ack[] Acks, PipelineClient Client)> WriteLedgerAsync(int port)
    {
        PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = port, ProducerId = Producer, ProtocolVersion = 2, ClientName = "read-tests" });
        Ack[] acks = await client.PublishBatchAsync(
        [
            ("ledger.open", Json("""{"account": "a-1"}""")),
            ("ledger.open", Json("""{"account": "b-2"}""")),
            ("ledger.deposit", Json("""{"account": "a-1", "amount": 100}""")),
            ("ledger.transfer", Json("""{"from": "a-1", "to": "b-2", "amount": 30}""")),
            ("ledger.withdraw", Json("""{"account": "b-2", "amount": 10}""")),
            ("ledger.withdraw", Json("""{"account": "a-1", "amount": 1000}""")),
        ]);
        return (acks, client);
    }

    private static ReadOnlyMemory<byte> Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(StoredEvent e) => Encoding.UTF8.GetString(e.Payload.Span);

    [Fact(Timeout = 120_000)]
    public async Task Read_EverySelectorAfterLedgerCommands_GivesTheirEventsInOrder()
    {
        using var data = new TempDirectory();
        await using ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"));
        (Ack[] acks, PipelineClient connected) = await WriteLedgerAsync(server.Port);
        await using PipelineClient client = connected;
        Assert.Equal([AckStatus.Ok, AckStatus.Ok, AckStatus.Ok, AckStatus.Ok, AckStatus.Ok, AckStatus.Rejected], acks.Select(a => a.Status).ToArray());
        ulong last = acks[^1].Sequence;

        ReadResult all = await client.ReadAllForwardAsync(1, 100, minSequence: last);
        Assert.Equal(ReadStatus.Ok, all.Status);
        Assert.Equal([1UL, 2, 3, 4, 5, 6], all.Events.Select(e => e.Position).ToArray());
        Assert.Equal([1UL, 2, 3, 4, 4, 5], all.Events.Select(e => e.CommandSequence).ToArray()); // the rejected 6th has none
        Assert.Equal(["ledger.opened", "ledger.opened", "ledger.deposited", "ledger.transferred", "ledger.transferred", "ledger.withdrawn"], all.Events.Select(e => e.Type).ToArray());
        Assert.All(all.Events, e => Assert.Equal(Producer, e.ProducerId));
        Assert.Equal((7UL, 6UL), (all.Next, all.HeadPosition));

        ReadResult a = await client.ReadStreamAsync("account-a-1", 1, 100);
        Assert.Equal([1UL, 2, 3], a.Events.Select(e => e.StreamVersion).ToArray());
        Assert.Equal("""{"account":"a-1","amount":100,"balance":100}""", Text(a.Events[1]));
        Assert.Equal("""{"from":"a-1","to":"b-2","amount":30,"account":"a-1","balance":70}""", Text(a.Events[2]));

        ReadResult b = await client.ReadStreamAsync("account-b-2", 2, 100);
        Assert.Equal([2UL, 3], b.Events.Select(e => e.StreamVersion).ToArray());
        Assert.Equal("""{"from":"a-1","to":"b-2","amount":30,"account":"b-2","balance":30}""", Text(b.Events[0]));
        Assert.Equal("""{"account":"b-2","amount":10,"balance":20}""", Text(b.Events[1]));

        ReadResult transfers = await client.ReadTypeAsync("ledger.transferred", 1, 100);
        Assert.Equal([4UL, 5], transfers.Events.Select(e => e.Position).ToArray());

        ReadResult byProducer = await client.ReadProducerAsync(Producer, 4, 100);
        Assert.Equal([4UL, 5, 6], byProducer.Events.Select(e => e.Position).ToArray());
        ReadResult otherProducer = await client.ReadProducerAsync(Producer + 1, 1, 100);
        Assert.Equal((ReadStatus.Ok, 0), (otherProducer.Status, otherProducer.Events.Count));

        ReadResult fromTime = await client.ReadFromTimeAsync(all.Events[3].Timestamp, 100);
        Assert.Equal(all.Events[3].Position, fromTime.Events[0].Position);
        Assert.True(fromTime.Events[0].Timestamp >= all.Events[3].Timestamp);

        ReadResult newest = await client.ReadAllBackwardAsync(ulong.MaxValue, 2);
        Assert.Equal([6UL, 5], newest.Events.Select(e => e.Position).ToArray());

        ReadResult unknown = await client.ReadStreamAsync("account-nobody", 1, 10);
        Assert.Equal((ReadStatus.NotFound, 0), (unknown.Status, unknown.Events.Count));
        ReadResult beyond = await client.ReadAllForwardAsync(1_000, 10);
        Assert.Equal((ReadStatus.Ok, 0), (beyond.Status, beyond.Events.Count));
        ReadResult tooMany = await client.ReadAllForwardAsync(1, 10_001);
        Assert.Equal(ReadStatus.BadRequest, tooMany.Status);
        Assert.Contains("max_count", tooMany.Message, StringComparison.Ordinal);
        ReadResult none = await client.ReadAllForwardAsync(1, 0);
        Assert.Equal(ReadStatus.BadRequest, none.Status);
        ReadResult notYet = await client.ReadAllForwardAsync(1, 10, minSequence: last + 1_000);
        Assert.Equal(ReadStatus.Timeout, notYet.Status);

        // The connection survived every bad read.
        Ack more = await client.PublishAsync("ledger.deposit", Json("""{"account": "b-2", "amount": 5}"""));
        ReadResult own = await client.ReadStreamAsync("account-b-2", 4, 10, minSequence: more.Sequence);
        Assert.Equal("""{"account":"b-2","amount":5,"balance":25}""", Text(Assert.Single(own.Events)));
    }

    [Fact(Timeout = 120_000)]
    public async Task BalanceAsOf_ASequenceOrATime_AnswersFromTheAccountsEvents()
    {
        using var data = new TempDirectory();
        await using ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"));
        (Ack[] acks, PipelineClient connected) = await WriteLedgerAsync(server.Port);
        await using PipelineClient client = connected;
        ulong last = acks[^1].Sequence;

        async Task<(ResultStatus Status, string Body)> Balance(string args)
        {
            QueryResult result = await client.QueryAsync("ledger.balance", args, last);
            return (result.Status, result.Body);
        }

        Assert.Equal((ResultStatus.NotFound, """{"account":"a-1","error":"no such account"}"""), await Balance("""{"account": "a-1", "asOf": 0}"""));
        Assert.Equal((ResultStatus.Ok, """{"account":"a-1","balance":0,"version":1}"""), await Balance("""{"account": "a-1", "asOf": 1}"""));
        Assert.Equal((ResultStatus.Ok, """{"account":"a-1","balance":100,"version":2}"""), await Balance("""{"account": "a-1", "asOf": 3}"""));
        Assert.Equal((ResultStatus.Ok, """{"account":"a-1","balance":70,"version":3}"""), await Balance("""{"account": "a-1", "asOf": 4}"""));
        Assert.Equal((ResultStatus.Ok, """{"account":"b-2","balance":30,"version":2}"""), await Balance("""{"account": "b-2", "asOf": 4}"""));
        Assert.Equal(await Balance("""{"account": "b-2"}"""), await Balance("""{"account": "b-2", "asOf": 1000000}"""));

        ReadResult a = await client.ReadStreamAsync("account-a-1", 1, 10);
        string time = a.Events[1].Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        (ResultStatus status, string body) = await Balance($$"""{"account": "a-1", "asOfTime": "{{time}}"}""");
        Assert.Equal(ResultStatus.Ok, status);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt64() >= 2);

        Assert.Equal(ResultStatus.BadRequest, (await Balance("""{"account": "a-1", "asOf": -1}""")).Status);
        Assert.Equal(ResultStatus.BadRequest, (await Balance("""{"account": "a-1", "asOfTime": "yesterday"}""")).Status);
    }

    [Fact(Timeout = 120_000)]
    public async Task ReadVerb_StreamBackwardAndBadOptions_PrintsJsonLinesOrUsage()
    {
        using var data = new TempDirectory();
        await using ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"));
        (Ack[] acks, PipelineClient connected) = await WriteLedgerAsync(server.Port);
        await using PipelineClient client = connected;
        string port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string last = acks[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

        async Task<(int Code, string[] Lines, string Error)> Read(params string[] options)
        {
            using var output = new System.IO.StringWriter();
            using var error = new System.IO.StringWriter();
            int code = await Pipeline.Server.Cli.ClientCommands.RunAsync(["read", "--port", port, .. options], output, error);
            return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), error.ToString());
        }

        (int code, string[] lines, string end) = await Read("--stream", "account-a-1", "--min-sequence", last);
        Assert.Equal(0, code);
        JsonElement[] events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([1L, 2, 3], events.Select(e => e.GetProperty("streamVersion").GetInt64()).ToArray());
        Assert.Equal("ledger.deposited", events[1].GetProperty("type").GetString());
        Assert.Equal(100, events[1].GetProperty("payload").GetProperty("amount").GetInt64());
        Assert.StartsWith("end: Ok", end, StringComparison.Ordinal);

        (code, lines, _) = await Read("--backward", "--count", "2");
        Assert.Equal([6L, 5], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("position").GetInt64()).ToArray());

        (code, lines, _) = await Read("--type", "ledger.opened", "--count", "1");
        Assert.Equal("account-a-1", JsonDocument.Parse(Assert.Single(lines)).RootElement.GetProperty("stream").GetString());

        (code, _, end) = await Read("--stream", "account-nobody");
        Assert.NotEqual(0, code);
        Assert.Contains("NotFound", end, StringComparison.Ordinal);

        (code, _, end) = await Read("--count", "zero");
        Assert.Equal(Pipeline.Server.Cli.OperatorCommands.Usage, code);
        Assert.Contains("--count: 'zero' is not a valid value", end, StringComparison.Ordinal);
        (code, _, end) = await Read("--stream", "x", "--type", "y");
        Assert.Equal(Pipeline.Server.Cli.OperatorCommands.Usage, code);
    }
}
