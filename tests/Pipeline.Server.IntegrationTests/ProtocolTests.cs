using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>Every status, reason code and query of shared/spec/protocol.md, over real TCP against the real process.</summary>
public sealed class ProtocolTests : IClassFixture<SharedServerFixture>
{
    private static int s_producer = 1000;
    private readonly SharedServerFixture _fixture;

    public ProtocolTests(SharedServerFixture fixture)
    {
        _fixture = fixture;
    }

    private static ulong NextProducer() => (ulong)Interlocked.Increment(ref s_producer);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private Task<PipelineClient> ConnectAsync(ulong producerId = 0) =>
        PipelineClient.ConnectAsync(new PipelineClientOptions { Port = _fixture.Port, ProducerId = producerId }).WaitAsync(TestTimeouts.Default);

    private static async Task<Ack> Send(PipelineClient client, string type, string json) =>
        await client.PublishAsync(type, Encoding.UTF8.GetBytes(json)).WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task Hello_NewProducer_WelcomeCarriesVersionProducerAndHead()
    {
        ulong producer = NextProducer();

        (RawConnection connection, Frame welcome) = await RawConnection.HandshakeAsync(_fixture.Port, producer);
        using RawConnection lease = connection;

        (ushort version, ulong producerId, ulong last, ulong head) = welcome.Welcome();
        Assert.Equal(1, version);
        Assert.Equal(producer, producerId);
        Assert.Equal(0UL, last);
        Assert.True(head >= 0);
    }

    [Fact]
    public async Task Publish_LedgerCommands_AnswerOkAndRejectedWithEveryReasonCode()
    {
        await using PipelineClient client = await ConnectAsync(NextProducer());
        string a = Unique("a");
        string b = Unique("b");

        Ack open = await Send(client, "ledger.open", $"{{\"account\": \"{a}\"}}");
        Ack openB = await Send(client, "ledger.open", $"{{\"account\": \"{b}\"}}");
        Ack deposit = await Send(client, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 100}}");
        Ack withdraw = await Send(client, "ledger.withdraw", $"{{\"account\": \"{a}\", \"amount\": 40}}");
        Ack transfer = await Send(client, "ledger.transfer", $"{{\"from\": \"{a}\", \"to\": \"{b}\", \"amount\": 25}}");
        Ack malformed = await Send(client, "ledger.deposit", "{\"account\": 12}");
        Ack invalidAmount = await Send(client, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 0}}");
        Ack tooLarge = await Send(client, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 1000000000000001}}");
        Ack unknown = await Send(client, "ledger.withdraw", $"{{\"account\": \"{Unique("nobody")}\", \"amount\": 1}}");
        Ack exists = await Send(client, "ledger.open", $"{{\"account\": \"{a}\"}}");
        Ack insufficient = await Send(client, "ledger.withdraw", $"{{\"account\": \"{a}\", \"amount\": 1000}}");
        Ack conflict = await Send(client, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 1, \"expectedVersion\": 1}}");
        Ack versioned = await Send(client, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 1, \"expectedVersion\": 4}}");
        Ack same = await Send(client, "ledger.transfer", $"{{\"from\": \"{a}\", \"to\": \"{a}\", \"amount\": 1}}");

        Assert.All(new[] { open, openB, deposit, withdraw, transfer, versioned }, ack => Assert.Equal(AckStatus.Ok, ack.Status));
        Assert.Equal((AckStatus.Rejected, "malformed_payload"), (malformed.Status, malformed.Detail));
        Assert.Equal((AckStatus.Rejected, "invalid_amount"), (invalidAmount.Status, invalidAmount.Detail));
        Assert.Equal((AckStatus.Rejected, "invalid_amount"), (tooLarge.Status, tooLarge.Detail));
        Assert.Equal((AckStatus.Rejected, "unknown_account"), (unknown.Status, unknown.Detail));
        Assert.Equal((AckStatus.Rejected, "account_exists"), (exists.Status, exists.Detail));
        Assert.Equal((AckStatus.Rejected, "insufficient_funds"), (insufficient.Status, insufficient.Detail));
        Assert.Equal((AckStatus.Rejected, "version_conflict"), (conflict.Status, conflict.Detail));
        Assert.Equal((AckStatus.Rejected, "same_account"), (same.Status, same.Detail));
        Assert.True(malformed.Sequence > 0, "a REJECTED command is journaled and has a sequence");
        ulong[] sequences = [open.Sequence, openB.Sequence, deposit.Sequence, withdraw.Sequence, transfer.Sequence, malformed.Sequence, invalidAmount.Sequence];
        Assert.Equal(sequences.OrderBy(s => s), sequences);
        QueryResult balance = await client.QueryAsync("ledger.balance", $"{{\"account\": \"{a}\"}}", same.Sequence).WaitAsync(TestTimeouts.Default);
        Assert.Equal(ResultStatus.Ok, balance.Status);
        Assert.Contains("\"balance\":36", balance.Body, StringComparison.Ordinal);
        Assert.Contains("\"version\":5", balance.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SameProducerSequenceTwice_SecondIsDuplicateWithTheOriginalSequence()
    {
        ulong producer = NextProducer();
        (RawConnection connection, _) = await RawConnection.HandshakeAsync(_fixture.Port, producer);
        using RawConnection lease = connection;
        string a = Unique("dup");

        await connection.SendAsync(Frames.Concat(
            Frames.Publish(1, "ledger.open", $"{{\"account\": \"{a}\"}}"),
            Frames.Publish(2, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 5}}"),
            Frames.Publish(2, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 5}}"),
            Frames.Publish(1, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 5}}")));
        var acks = new List<(ulong ProducerSequence, ulong Sequence, AckStatus Status, string Detail)>();
        for (int i = 0; i < 4; i++)
        {
            acks.Add((await connection.ReadFrameAsync())!.Ack());
        }

        Assert.Equal(AckStatus.Ok, acks[0].Status);
        Assert.Equal(AckStatus.Ok, acks[1].Status);
        Assert.Equal((2UL, acks[1].Sequence, AckStatus.Duplicate), (acks[2].ProducerSequence, acks[2].Sequence, acks[2].Status));
        Assert.Equal(AckStatus.Duplicate, acks[3].Status);
        Assert.Equal(0UL, acks[3].Sequence); // older than the last: the server no longer knows its sequence
    }

    [Fact]
    public async Task Publish_RefusedBeforeTheJournal_IsInvalidWithSequenceZeroAndAReason()
    {
        ulong producer = NextProducer();
        (RawConnection connection, _) = await RawConnection.HandshakeAsync(_fixture.Port, producer);
        using RawConnection lease = connection;

        await connection.SendAsync(Frames.Concat(
            Frames.Publish(1, "ledger.nonsense", "{}"),
            Frames.Publish(2, "ledger.open", "{\"account\": \"x\"}", schemaVersion: 2),
            Frames.PublishBytes(3, "ledger.open", new byte[SharedServerFixture.MaxPayloadBytes + 1]),
            Frames.Publish(0, "ledger.open", "{\"account\": \"y\"}")));
        var acks = new List<(ulong ProducerSequence, ulong Sequence, AckStatus Status, string Detail)>();
        for (int i = 0; i < 4; i++)
        {
            acks.Add((await connection.ReadFrameAsync())!.Ack());
        }

        Assert.All(acks, ack => Assert.Equal((0UL, AckStatus.Invalid), (ack.Sequence, ack.Status)));
        Assert.Contains("unknown type", acks[0].Detail, StringComparison.Ordinal);
        Assert.Contains("schema_version", acks[1].Detail, StringComparison.Ordinal);
        Assert.Contains("payload", acks[2].Detail, StringComparison.Ordinal);
        Assert.Contains("producer_seq 0", acks[3].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_BalanceTotalsNotFoundAndBadRequest_AnswerPerSpec()
    {
        await using PipelineClient client = await ConnectAsync();
        string a = Unique("q");
        await Send(client, "ledger.open", $"{{\"account\": \"{a}\"}}");
        Ack last = await Send(client, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 60}}");

        QueryResult balance = await client.QueryAsync("ledger.balance", $"{{\"account\": \"{a}\"}}", last.Sequence).WaitAsync(TestTimeouts.Default);
        QueryResult totals = await client.QueryAsync("ledger.totals", "{}", last.Sequence).WaitAsync(TestTimeouts.Default);
        QueryResult missing = await client.QueryAsync("ledger.balance", "{\"account\": \"no-such-account\"}").WaitAsync(TestTimeouts.Default);
        QueryResult unknownQuery = await client.QueryAsync("ledger.everything", "{}").WaitAsync(TestTimeouts.Default);
        QueryResult badArgs = await client.QueryAsync("ledger.balance", "{\"acct\": 1}").WaitAsync(TestTimeouts.Default);
        QueryResult notJson = await client.QueryAsync("ledger.totals", "[1,").WaitAsync(TestTimeouts.Default);

        Assert.Equal(ResultStatus.Ok, balance.Status);
        Assert.True(balance.Sequence >= last.Sequence);
        using (var json = System.Text.Json.JsonDocument.Parse(balance.Body))
        {
            Assert.Equal(a, json.RootElement.GetProperty("account").GetString());
            Assert.Equal(60, json.RootElement.GetProperty("balance").GetInt64());
            Assert.Equal(2, json.RootElement.GetProperty("version").GetInt64());
        }

        Assert.Equal(ResultStatus.Ok, totals.Status);
        using (var json = System.Text.Json.JsonDocument.Parse(totals.Body))
        {
            Assert.True(json.RootElement.GetProperty("accounts").GetInt64() >= 1);
            Assert.True(json.RootElement.GetProperty("balance").GetInt64() >= 60);
        }

        Assert.Equal(ResultStatus.NotFound, missing.Status);
        Assert.Equal(ResultStatus.BadRequest, unknownQuery.Status);
        Assert.Contains("\"error\"", unknownQuery.Body, StringComparison.Ordinal);
        Assert.Equal(ResultStatus.BadRequest, badArgs.Status);
        Assert.Equal(ResultStatus.BadRequest, notJson.Status);
    }

    [Fact]
    public async Task Query_MinSequenceAhead_AnswersOnceTheReadModelReachesIt()
    {
        await using PipelineClient client = await ConnectAsync();
        string a = Unique("ryw");
        Ack opened = await Send(client, "ledger.open", $"{{\"account\": \"{a}\"}}");

        Task<QueryResult> waiting = client.QueryAsync("ledger.balance", $"{{\"account\": \"{a}\"}}", opened.Sequence + 1);
        Ack deposit = await Send(client, "ledger.deposit", $"{{\"account\": \"{a}\", \"amount\": 7}}");
        QueryResult result = await waiting.WaitAsync(TestTimeouts.Default);

        Assert.True(deposit.Sequence >= opened.Sequence + 1);
        Assert.Equal(ResultStatus.Ok, result.Status);
        Assert.True(result.Sequence >= opened.Sequence + 1);
    }

    [Fact]
    public async Task Query_MinSequenceNeverReached_AnswersTimeoutAfterTheQueryTimeout()
    {
        await using PipelineClient client = await ConnectAsync();

        QueryResult result = await client.QueryAsync("ledger.totals", "{}", ulong.MaxValue / 2).WaitAsync(TestTimeouts.Default);

        Assert.Equal(ResultStatus.Timeout, result.Status);
    }

    [Fact]
    public async Task Ping_AnyNonce_AnswersPongWithTheSameNonce()
    {
        (RawConnection connection, _) = await RawConnection.HandshakeAsync(_fixture.Port);
        using RawConnection lease = connection;

        await connection.SendAsync(Frames.Ping(0xDEADBEEF12345678));
        Frame? pong = await connection.ReadFrameAsync();

        Assert.NotNull(pong);
        Assert.Equal(FrameKind.Pong, pong.Kind);
        Assert.Equal(0xDEADBEEF12345678, BitConverter.ToUInt64(pong.Body));
    }

    [Fact]
    public async Task Publish_PipelinedOnManyConnectionsAtOnce_EachConnectionsAcksInOrderAndSequencesUnique()
    {
        const int connections = 8;
        const int perConnection = 1500;
        var clients = new List<PipelineClient>();
        for (int c = 0; c < connections; c++)
        {
            clients.Add(await ConnectAsync(NextProducer()));
        }

        string account = Unique("pipe");
        await Send(clients[0], "ledger.open", $"{{\"account\": \"{account}\"}}");
        byte[] deposit = Encoding.UTF8.GetBytes($"{{\"account\": \"{account}\", \"amount\": 1}}");

        Ack[][] results = await Task.WhenAll(clients.Select(client => Task.WhenAll(
            Enumerable.Range(0, perConnection).Select(_ => client.PublishAsync("ledger.deposit", deposit)))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        foreach (Ack[] acks in results)
        {
            Assert.All(acks, ack => Assert.Equal(AckStatus.Ok, ack.Status));
            Assert.Equal(acks.Select(a => a.ProducerSequence).OrderBy(s => s), acks.Select(a => a.ProducerSequence));
            Assert.Equal(acks.Select(a => a.Sequence).OrderBy(s => s), acks.Select(a => a.Sequence));
        }

        ulong[] all = results.SelectMany(acks => acks.Select(a => a.Sequence)).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        QueryResult balance = await clients[0].QueryAsync("ledger.balance", $"{{\"account\": \"{account}\"}}", all.Max()).WaitAsync(TestTimeouts.Default);
        Assert.Contains($"\"balance\":{connections * perConnection}", balance.Body, StringComparison.Ordinal);
        foreach (PipelineClient client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connections_ThousandOpenAndSixtyFourPublishing_AllServed()
    {
        var idle = new List<RawConnection>();
        try
        {
            for (int i = 0; i < 1000; i++)
            {
                (RawConnection connection, _) = await RawConnection.HandshakeAsync(_fixture.Port);
                idle.Add(connection);
            }

            string account = Unique("many");
            await using (PipelineClient opener = await ConnectAsync())
            {
                await Send(opener, "ledger.open", $"{{\"account\": \"{account}\"}}");
            }

            byte[] deposit = Encoding.UTF8.GetBytes($"{{\"account\": \"{account}\", \"amount\": 2}}");
            Ack[][] results = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
            {
                await using PipelineClient client = await ConnectAsync();
                return await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.PublishAsync("ledger.deposit", deposit)));
            })).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.All(results.SelectMany(r => r), ack => Assert.Equal(AckStatus.Ok, ack.Status));
            await idle[^1].SendAsync(Frames.Ping(7));
            Assert.Equal(FrameKind.Pong, (await idle[^1].ReadFrameAsync())!.Kind);
        }
        finally
        {
            foreach (RawConnection connection in idle)
            {
                connection.Dispose();
            }
        }
    }
}
