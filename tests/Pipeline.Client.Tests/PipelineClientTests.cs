using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Ingest;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Client.Tests;

public sealed class PipelineClientTests
{
    private static IngestListener StartListener(IIngestBackend backend, int maxConnections = 64)
    {
        var listener = new IngestListener(new IngestOptions { Port = 0, MaxConnections = maxConnections, CloseTimeout = TestTimeouts.Default }, backend);
        listener.Start();
        return listener;
    }

    private static PipelineClientOptions Options(int port, ulong producerId = 0, bool autoReconnect = false) => new()
    {
        Port = port,
        ProducerId = producerId,
        ClientName = "client-tests",
        AutoReconnect = autoReconnect,
        ReconnectDelay = TimeSpan.FromMilliseconds(20),
        MaxReconnectAttempts = 100,
    };

    private static Task<PipelineClient> ConnectAsync(PipelineClientOptions options) =>
        PipelineClient.ConnectAsync(options).WaitAsync(TestTimeouts.Default);

    private static byte[] Payload(int i) => Encoding.UTF8.GetBytes($"{{\"n\":{i}}}");

    private static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task ConnectAsync_ServerWelcomes_ExposesTheWelcomeAndResumesAfterItsLastProducerSequence()
    {
        var backend = new AckingBackend { HelloAnswer = (17, 99) };
        await using IngestListener listener = StartListener(backend);
        await using PipelineClient client = await ConnectAsync(Options(listener.Port, producerId: 5));

        Ack ack = await Bounded(client.PublishAsync("t.e", Payload(1)));

        Assert.Equal(new Welcome(1, 5, 17, 99), client.Welcome);
        Assert.Equal(18UL, ack.ProducerSequence);
        Assert.Equal((5UL, 18UL), backend.Received().Select(r => (r.ProducerId, r.ProducerSequence)).Single());
    }

    [Fact]
    public async Task PublishAsync_ManyPipelined_EachTaskCompletesWithItsOwnAckInOrder()
    {
        const int Count = 300;
        var backend = new AckingBackend();
        await using IngestListener listener = StartListener(backend);
        await using PipelineClient client = await ConnectAsync(Options(listener.Port, producerId: 3));

        var tasks = new List<Task<Ack>>();
        for (int i = 1; i <= Count; i++)
        {
            tasks.Add(client.PublishAsync("t.e", Payload(i), schemaVersion: 2));
        }

        Ack[] acks = await Bounded(Task.WhenAll(tasks));
        for (int i = 0; i < Count; i++)
        {
            ulong expected = (ulong)(i + 1);
            Assert.Equal(new Ack(expected, expected, AckStatus.Ok, "d" + expected), acks[i]);
        }

        var received = backend.Received();
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (ulong)i), received.Select(r => r.ProducerSequence));
        Assert.All(received, r => Assert.Equal(("t.e", (ushort)2), (r.Type, r.SchemaVersion)));
        Assert.All(received, r => Assert.Equal(Payload((int)r.ProducerSequence), r.Payload));
    }

    [Fact]
    public async Task PublishBatchAsync_BetweenSinglePublishes_AcksInOrderAndProducerSequencesContinue()
    {
        var backend = new AckingBackend();
        await using IngestListener listener = StartListener(backend);
        await using PipelineClient client = await ConnectAsync(Options(listener.Port, producerId: 4));
        (string, ReadOnlyMemory<byte>)[] batch = [.. Enumerable.Range(2, 50).Select(i => ("batch.e", (ReadOnlyMemory<byte>)Payload(i)))];

        Task<Ack> before = client.PublishAsync("single.e", Payload(1));
        Task<Ack[]> batchTask = client.PublishBatchAsync(batch);
        Task<Ack> after = client.PublishAsync("single.e", Payload(52));
        Ack first = await Bounded(before);
        Ack[] acks = await Bounded(batchTask);
        Ack last = await Bounded(after);

        Assert.Equal(1UL, first.ProducerSequence);
        Assert.Equal(Enumerable.Range(2, 50).Select(i => (ulong)i), acks.Select(a => a.ProducerSequence));
        Assert.All(acks, a => Assert.Equal(AckStatus.Ok, a.Status));
        Assert.Equal(52UL, last.ProducerSequence);
        var received = backend.Received();
        Assert.Equal(Enumerable.Range(1, 52).Select(i => (ulong)i), received.Select(r => r.ProducerSequence));
        Assert.Equal(["single.e", .. Enumerable.Repeat("batch.e", 50), "single.e"], received.Select(r => r.Type));
        Assert.All(received, r => Assert.Equal(Payload((int)r.ProducerSequence), r.Payload));
    }

    [Fact]
    public async Task QueryAsync_ThroughTheListener_ResultCarriesTheAnswer()
    {
        var backend = new AckingBackend();
        await using IngestListener listener = StartListener(backend);
        await using PipelineClient client = await ConnectAsync(Options(listener.Port));

        QueryResult result = await Bounded(client.QueryAsync("ledger.totals", "{}", minSequence: 12));

        Assert.Equal((12UL, ResultStatus.Ok, "ledger.totals:{}"), (result.Sequence, result.Status, result.Body));
    }

    [Fact]
    public async Task QueryAsyncAndPingAsync_AnswersComeOutOfOrder_EachCallGetsItsOwnAnswer()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port));
        using FrameConnection connection = (await accepting).Connection;

        Task<QueryResult> q1 = client.QueryAsync("ledger.balance", "{\"account\":\"a\"}", minSequence: 3);
        Task<QueryResult> q2 = client.QueryAsync("ledger.totals", "{}");
        Task ping1 = client.PingAsync();
        Task ping2 = client.PingAsync();
        var asked = new List<ReceivedFrame>();
        for (int i = 0; i < 4; i++)
        {
            asked.Add(await connection.ReadRequiredFrameAsync());
        }

        (ulong id1, string name1, ulong min1, string args1) = asked[0].AsQuery();
        (ulong id2, string name2, ulong _, string _) = asked[1].AsQuery();
        ulong nonce1 = asked[2].AsNonce();
        ulong nonce2 = asked[3].AsNonce();
        await connection.SendAsync(FrameBytes.Concat(
            FrameBytes.Build(w => FrameWriter.WritePong(w, nonce2)),
            FrameBytes.Build(w => FrameWriter.WriteResult(w, id2, 20, ResultStatus.Ok, "{\"accounts\":1}")),
            FrameBytes.Build(w => FrameWriter.WritePong(w, nonce1)),
            FrameBytes.Build(w => FrameWriter.WriteResult(w, id1, 21, ResultStatus.NotFound, "{\"error\":\"no such account\"}"))));
        QueryResult result1 = await Bounded(q1);
        QueryResult result2 = await Bounded(q2);
        await ping1.WaitAsync(TestTimeouts.Default);
        await ping2.WaitAsync(TestTimeouts.Default);

        Assert.Equal(("ledger.balance", 3UL, "{\"account\":\"a\"}"), (name1, min1, args1));
        Assert.Equal("ledger.totals", name2);
        Assert.NotEqual(id1, id2);
        Assert.NotEqual(nonce1, nonce2);
        Assert.Equal(new QueryResult(id1, 21, ResultStatus.NotFound, "{\"error\":\"no such account\"}"), result1);
        Assert.Equal(new QueryResult(id2, 20, ResultStatus.Ok, "{\"accounts\":1}"), result2);
    }

    [Fact]
    public async Task PendingCalls_ServerSendsError_EachFailsWithServerErrorCarryingTheCode()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port, producerId: 8));
        using FrameConnection connection = (await accepting).Connection;

        Task<Ack> acked = client.PublishAsync("t.e", Payload(1));
        Task<Ack> pending1 = client.PublishAsync("t.e", Payload(2));
        Task<Ack> pending2 = client.PublishAsync("t.e", Payload(3));
        Task<QueryResult> query = client.QueryAsync("q", "{}");
        Task ping = client.PingAsync();
        for (int i = 0; i < 5; i++)
        {
            await connection.ReadRequiredFrameAsync();
        }

        await connection.SendAsync(FrameBytes.Concat(
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 1, 100, AckStatus.Ok, string.Empty)),
            FrameBytes.Build(w => FrameWriter.WriteError(w, ErrorCode.Malformed, "malformed PUBLISH"))));
        connection.ShutdownSend();
        Ack first = await Bounded(acked);
        ServerErrorException[] failures =
        [
            await Assert.ThrowsAsync<ServerErrorException>(() => Bounded(pending1)),
            await Assert.ThrowsAsync<ServerErrorException>(() => Bounded(pending2)),
            await Assert.ThrowsAsync<ServerErrorException>(() => Bounded(query)),
            await Assert.ThrowsAsync<ServerErrorException>(() => ping.WaitAsync(TestTimeouts.Default)),
        ];
        InvalidOperationException later = Assert.Throws<InvalidOperationException>(() => { _ = client.PublishAsync("t.e", Payload(4)); });

        Assert.Equal((1UL, 100UL, AckStatus.Ok), (first.ProducerSequence, first.Sequence, first.Status));
        Assert.All(failures, f => Assert.Equal(ErrorCode.Malformed, f.Code));
        Assert.Contains("malformed PUBLISH", failures[0].Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Malformed, Assert.IsType<ServerErrorException>(later.InnerException).Code);
    }

    [Fact]
    public async Task ConnectAsync_ServerRefusesTheConnection_ThrowsServerErrorWithTheCode()
    {
        var backend = new AckingBackend();
        await using IngestListener listener = StartListener(backend, maxConnections: 1);
        await using PipelineClient first = await ConnectAsync(Options(listener.Port));

        ServerErrorException thrown = await Assert.ThrowsAsync<ServerErrorException>(() => ConnectAsync(Options(listener.Port)));

        Assert.Equal(ErrorCode.TooManyConnections, thrown.Code);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsSocketException()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        SocketException thrown = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(Options(port)));

        Assert.Equal(SocketError.ConnectionRefused, thrown.SocketErrorCode);
    }

    [Fact]
    public async Task PublishBatch_WithObserver_EachAckReachesTheObserverInOrderWithTokenIndexAndDetail()
    {
        var backend = new AckingBackend();
        await using IngestListener listener = StartListener(backend);
        await using PipelineClient client = await ConnectAsync(Options(listener.Port, producerId: 4));
        var observer = new RecordingAckObserver(expected: 30);
        (string, ReadOnlyMemory<byte>)[] first = [.. Enumerable.Range(2, 20).Select(i => ("batch.e", (ReadOnlyMemory<byte>)Payload(i)))];
        (string, ReadOnlyMemory<byte>)[] second = [.. Enumerable.Range(22, 10).Select(i => ("other.e", (ReadOnlyMemory<byte>)Payload(i)))];

        Task<Ack> before = client.PublishAsync("single.e", Payload(1));
        client.PublishBatch(first, observer, token: 100);
        client.PublishBatch(second.AsSpan(0, 10), observer, token: 200);
        client.PublishBatch([], observer, token: 300);
        Task<Ack> after = client.PublishAsync("single.e", Payload(32));
        await Bounded(before);
        await observer.AllSeen.WaitAsync(TestTimeouts.Default);
        Ack last = await Bounded(after);

        var acks = observer.Acks();
        Assert.Equal([.. Enumerable.Repeat(100L, 20), .. Enumerable.Repeat(200L, 10)], acks.Select(a => a.Token));
        Assert.Equal([.. Enumerable.Range(0, 20), .. Enumerable.Range(0, 10)], acks.Select(a => a.Index));
        Assert.Equal(Enumerable.Range(2, 30).Select(i => "d" + i), acks.Select(a => a.Detail));
        Assert.Equal(Enumerable.Range(2, 30).Select(i => (ulong)i), acks.Select(a => a.Sequence));
        Assert.All(acks, a => Assert.Equal(AckStatus.Ok, a.Status));
        Assert.Empty(observer.Failures());
        Assert.Equal(32UL, last.ProducerSequence);
        Assert.Equal(Enumerable.Range(1, 32).Select(i => (ulong)i), backend.Received().Select(r => r.ProducerSequence));
        Assert.All(backend.Received(), r => Assert.Equal(Payload((int)r.ProducerSequence), r.Payload));
    }

    [Fact]
    public async Task PublishBatch_WithObserverAndTheServerDrops_EachPendingCommandFailsAndLaterBatchesThrow()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port, producerId: 2));
        FrameConnection connection = (await accepting).Connection;
        var observer = new RecordingAckObserver(expected: 3);

        client.PublishBatch([("t.e", Payload(1)), ("t.e", Payload(2)), ("t.e", Payload(3))], observer, token: 7);
        await connection.ReadRequiredFrameAsync();
        connection.Dispose();
        await observer.AllSeen.WaitAsync(TestTimeouts.Default);

        Assert.Equal([(7L, 0), (7L, 1), (7L, 2)], observer.Failures().Select(f => (f.Token, f.Index)));
        Assert.Empty(observer.Acks());
        Assert.Throws<InvalidOperationException>(() => client.PublishBatch([("t.e", Payload(4))], observer, token: 8));
    }

    [Fact]
    public async Task PublishBatch_TypeLongerThanTheFormatAllows_ThrowsAndSendsNothing()
    {
        var backend = new AckingBackend();
        await using IngestListener listener = StartListener(backend);
        await using PipelineClient client = await ConnectAsync(Options(listener.Port, producerId: 3));
        var observer = new RecordingAckObserver(expected: 1);
        string tooLong = new('x', 70_000);

        Assert.ThrowsAny<ArgumentException>(() => client.PublishBatch([("ok.e", Payload(0)), (tooLong, Payload(0))], observer, token: 1));
        Ack ack = await Bounded(client.PublishAsync("ok.e", Payload(1)));

        Assert.Equal(1UL, ack.ProducerSequence);
        Assert.Empty(observer.Acks());
        Assert.Single(backend.Received());
    }

    [Fact]
    public async Task PendingPublish_ServerDropsWithoutAutoReconnect_FailsAndLaterCallsThrow()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port, producerId: 2));
        FrameConnection connection = (await accepting).Connection;

        Task<Ack> pending = client.PublishAsync("t.e", Payload(1));
        await connection.ReadRequiredFrameAsync();
        connection.Dispose();

        await Assert.ThrowsAsync<SocketException>(() => Bounded(pending));
        Assert.Throws<InvalidOperationException>(() => { _ = client.PublishAsync("t.e", Payload(2)); });
    }

    [Fact]
    public async Task AutoReconnect_ServerDropsWithPublishesPending_JournaledOnesDuplicateRestResentInOrder()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port, producerId: 9, autoReconnect: true));
        FrameConnection first = (await accepting).Connection;
        Task<Ack>[] publishes = [.. Enumerable.Range(1, 6).Select(i => client.PublishAsync("t.e", Payload(i)))];
        var firstArrivals = new List<(ulong ProducerSequence, string Type, ushort SchemaVersion, byte[] Payload)>();
        for (int i = 0; i < 6; i++)
        {
            firstArrivals.Add((await first.ReadRequiredFrameAsync()).AsPublish());
        }

        Task<QueryResult> queryAtTheDrop = client.QueryAsync("q", "{}");
        await first.ReadRequiredFrameAsync();
        await first.SendAsync(FrameBytes.Concat(
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 1, 11, AckStatus.Ok, string.Empty)),
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 2, 12, AckStatus.Ok, string.Empty))));
        await Bounded(Task.WhenAll(publishes[0], publishes[1]));

        // The server goes away after journaling 3 and 4 without acknowledging them; it comes back knowing them.
        first.Dispose();
        (FrameConnection second, ulong producerId) = await server.AcceptHelloAsync(lastProducerSequence: 4, headSequence: 14);
        using FrameConnection lease = second;
        var resent = new List<(ulong ProducerSequence, string Type, ushort SchemaVersion, byte[] Payload)>();
        for (int i = 0; i < 2; i++)
        {
            resent.Add((await second.ReadRequiredFrameAsync()).AsPublish());
        }

        Task<Ack> afterReconnect = client.PublishAsync("t.e", Payload(7));
        resent.Add((await second.ReadRequiredFrameAsync()).AsPublish());
        await second.SendAsync(FrameBytes.Concat(
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 5, 15, AckStatus.Ok, string.Empty)),
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 6, 16, AckStatus.Ok, string.Empty)),
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 7, 17, AckStatus.Ok, string.Empty))));
        Ack[] acks = await Bounded(Task.WhenAll([.. publishes, afterReconnect]));

        Assert.Equal(Enumerable.Range(1, 6).Select(i => (ulong)i), firstArrivals.Select(p => p.ProducerSequence));
        Assert.Equal(9UL, producerId);
        Assert.Equal([5UL, 6UL, 7UL], resent.Select(p => p.ProducerSequence));
        Assert.All(resent, p => Assert.Equal(Payload((int)p.ProducerSequence), p.Payload));
        Assert.All(resent, p => Assert.Equal(("t.e", (ushort)1), (p.Type, p.SchemaVersion)));
        Assert.Equal(
            [(1UL, 11UL, AckStatus.Ok), (2UL, 12UL, AckStatus.Ok), (3UL, 0UL, AckStatus.Duplicate), (4UL, 0UL, AckStatus.Duplicate), (5UL, 15UL, AckStatus.Ok), (6UL, 16UL, AckStatus.Ok), (7UL, 17UL, AckStatus.Ok)],
            acks.Select(a => (a.ProducerSequence, a.Sequence, a.Status)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(queryAtTheDrop));
        Assert.Equal(1, client.Reconnects);
        Assert.Equal(new Welcome(1, 9, 4, 14), client.Welcome);
    }

    [Fact]
    public async Task AutoReconnect_ServerKnowsEverythingPending_AllDuplicateAndTheNextPublishFollowsTheServersLast()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port, producerId: 6, autoReconnect: true));
        FrameConnection first = (await accepting).Connection;
        Task<Ack>[] publishes = [.. Enumerable.Range(1, 3).Select(i => client.PublishAsync("t.e", Payload(i)))];
        for (int i = 0; i < 3; i++)
        {
            await first.ReadRequiredFrameAsync();
        }

        first.Dispose();
        (FrameConnection second, ulong _) = await server.AcceptHelloAsync(lastProducerSequence: 10);
        using FrameConnection lease = second;
        Ack[] duplicates = await Bounded(Task.WhenAll(publishes));
        Task<Ack> next = client.PublishAsync("t.e", Payload(11));
        (ulong producerSequence, string _, ushort _, byte[] _) = (await second.ReadRequiredFrameAsync()).AsPublish();
        await second.SendAsync(w => FrameWriter.WriteAck(w, producerSequence, 30, AckStatus.Ok, string.Empty));
        Ack nextAck = await Bounded(next);

        Assert.All(duplicates, a => Assert.Equal(AckStatus.Duplicate, a.Status));
        Assert.Equal([1UL, 2UL, 3UL], duplicates.Select(a => a.ProducerSequence));
        Assert.Equal(11UL, producerSequence);
        Assert.Equal((11UL, 30UL, AckStatus.Ok), (nextAck.ProducerSequence, nextAck.Sequence, nextAck.Status));
    }

    [Fact]
    public async Task DisposeAsync_WithCallsPending_TheyFailAndLaterCallsThrowObjectDisposed()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        PipelineClient client = await ConnectAsync(Options(server.Port, producerId: 1, autoReconnect: true));
        using FrameConnection connection = (await accepting).Connection;
        Task<Ack> pending = client.PublishAsync("t.e", Payload(1));
        Task<QueryResult> query = client.QueryAsync("q", "{}");
        await connection.ReadRequiredFrameAsync();

        await client.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Default);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Bounded(pending));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Bounded(query));
        Assert.Throws<ObjectDisposedException>(() => { _ = client.PublishAsync("t.e", Payload(2)); });
    }

    [Fact]
    public async Task PublishAsync_TypeLongerThanTheFormatAllows_ThrowsAndLaterPublishesStillGetTheirOwnAcks()
    {
        var backend = new AckingBackend();
        await using IngestListener listener = StartListener(backend);
        await using PipelineClient client = await ConnectAsync(Options(listener.Port, producerId: 12));
        string tooLong = new('t', FrameWriter.MaxStringBytes + 1);

        Assert.ThrowsAny<ArgumentException>(() => { _ = client.PublishAsync(tooLong, Payload(0)); });
        Assert.ThrowsAny<ArgumentException>(() => { _ = client.PublishBatchAsync([("ok.e", Payload(0)), (tooLong, Payload(0))]); });
        Ack ack = await Bounded(client.PublishAsync("ok.e", Payload(1)));

        Assert.Equal(new Ack(1, 1, AckStatus.Ok, "d1"), ack);
        Assert.Equal([1UL], backend.Received().Select(r => r.ProducerSequence));
    }

    [Fact]
    public async Task QueryAsync_ResultLargerThanTheReceiveBuffer_ArrivesWhole()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port));
        using FrameConnection connection = (await accepting).Connection;
        string body = "[" + new string('7', FrameWriter.MaxStringBytes - 2) + "]";

        Task<QueryResult> query = client.QueryAsync("big", "{}");
        ulong requestId = (await connection.ReadRequiredFrameAsync()).AsQuery().RequestId;
        await connection.SendAsync(w => FrameWriter.WriteResult(w, requestId, 1, ResultStatus.Ok, body));
        QueryResult result = await Bounded(query);

        Assert.Equal(body, result.Body);
    }

    [Fact]
    public async Task AutoReconnect_AnonymousClientWithPublishesPending_FailsThemInsteadOfResending()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port, producerId: 0, autoReconnect: true));
        FrameConnection first = (await accepting).Connection;
        Task<Ack> pending = client.PublishAsync("t.e", Payload(1));
        await first.ReadRequiredFrameAsync();

        first.Dispose();
        (FrameConnection second, _) = await server.AcceptHelloAsync(lastProducerSequence: 0, headSequence: 0);
        using FrameConnection lease = second;
        Assert.True(System.Threading.SpinWait.SpinUntil(() => client.Reconnects == 1, TestTimeouts.Default));
        Task<Ack> afterReconnect = client.PublishAsync("t.e", Payload(2));
        var arrived = (await second.ReadRequiredFrameAsync()).AsPublish();
        await second.SendAsync(FrameBytes.Build(w => FrameWriter.WriteAck(w, arrived.ProducerSequence, 21, AckStatus.Ok, string.Empty)));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(pending));
        Assert.Equal(Payload(2), arrived.Payload); // the first publish was not re-sent: it may already be journaled
        Assert.Equal(AckStatus.Ok, (await Bounded(afterReconnect)).Status);
    }

    [Fact]
    public async Task QueryAsync_CancelledWhileWaitingForTheResult_ThrowsOperationCanceledAndALaterQueryGetsItsOwnAnswer()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port));
        using FrameConnection connection = (await accepting).Connection;
        using var cancel = new CancellationTokenSource();
        Task<QueryResult> abandoned = client.QueryAsync("ledger.totals", "{}", cancellationToken: cancel.Token);
        (ulong abandonedId, string _, ulong _, string _) = (await connection.ReadRequiredFrameAsync()).AsQuery();

        await cancel.CancelAsync();
        OperationCanceledException cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(abandoned));
        Task<QueryResult> later = client.QueryAsync("ledger.balance", "{\"account\":\"a\"}");
        (ulong laterId, string _, ulong _, string _) = (await connection.ReadRequiredFrameAsync()).AsQuery();
        await connection.SendAsync(FrameBytes.Concat(
            FrameBytes.Build(w => FrameWriter.WriteResult(w, abandonedId, 5, ResultStatus.Ok, "{\"late\":true}")),
            FrameBytes.Build(w => FrameWriter.WriteResult(w, laterId, 6, ResultStatus.Ok, "{\"balance\":1}"))));
        QueryResult result = await Bounded(later);
        Task ping = client.PingAsync();
        ulong nonce = (await connection.ReadRequiredFrameAsync()).AsNonce();
        await connection.SendAsync(w => FrameWriter.WritePong(w, nonce));
        await ping.WaitAsync(TestTimeouts.Default);

        Assert.Equal(cancel.Token, cancelled.CancellationToken);
        Assert.Equal(new QueryResult(laterId, 6, ResultStatus.Ok, "{\"balance\":1}"), result);
    }

    [Fact]
    public async Task PublishAsync_CancelledWhileWaitingForTheAck_ThrowsOperationCanceledAndLaterAcksStayMatchedInOrder()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port, producerId: 4));
        using FrameConnection connection = (await accepting).Connection;
        using var cancel = new CancellationTokenSource();
        Task<Ack> abandoned = client.PublishAsync("t.e", Payload(1), cancellationToken: cancel.Token);
        Task<Ack[]> abandonedBatch = client.PublishBatchAsync([("t.e", Payload(2)), ("t.e", Payload(3))], cancellationToken: cancel.Token);
        for (int i = 0; i < 3; i++)
        {
            await connection.ReadRequiredFrameAsync();
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(abandoned));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(abandonedBatch));
        Task<Ack> later = client.PublishAsync("t.e", Payload(4));
        (ulong laterProducerSequence, string _, ushort _, byte[] _) = (await connection.ReadRequiredFrameAsync()).AsPublish();
        await connection.SendAsync(FrameBytes.Concat(
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 1, 101, AckStatus.Ok, string.Empty)),
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 2, 102, AckStatus.Ok, string.Empty)),
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 3, 103, AckStatus.Ok, string.Empty)),
            FrameBytes.Build(w => FrameWriter.WriteAck(w, 4, 104, AckStatus.Ok, string.Empty))));
        Ack ack = await Bounded(later);

        Assert.Equal(4UL, laterProducerSequence);
        Assert.Equal((4UL, 104UL, AckStatus.Ok), (ack.ProducerSequence, ack.Sequence, ack.Status));
    }

    [Fact]
    public async Task PingAsync_TokenAlreadyCancelled_ReturnsACancelledTaskAndSendsNothing()
    {
        using var server = new ScriptedServer();
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        await using PipelineClient client = await ConnectAsync(Options(server.Port));
        using FrameConnection connection = (await accepting).Connection;

        Task cancelledPing = client.PingAsync(new CancellationToken(canceled: true));
        Task<QueryResult> cancelledQuery = client.QueryAsync("q", "{}", cancellationToken: new CancellationToken(canceled: true));
        Task ping = client.PingAsync();
        ReceivedFrame first = await connection.ReadRequiredFrameAsync();
        await connection.SendAsync(w => FrameWriter.WritePong(w, first.AsNonce()));
        await ping.WaitAsync(TestTimeouts.Default);

        Assert.True(cancelledPing.IsCanceled);
        Assert.True(cancelledQuery.IsCanceled);
        Assert.Equal(FrameKind.Ping, first.Kind);
    }
}
