using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Ingest;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;
using static Pipeline.Ingest.Tests.IngestTestHost;

namespace Pipeline.Ingest.Tests;

public sealed class IngestConnectionTests
{
    [Fact]
    public async Task Hello_FirstFrame_WelcomeCarriesTheBackendsValues()
    {
        var backend = new FakeIngestBackend { HelloAnswer = (41, 99) };
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await FrameConnection.ConnectAsync(listener.Port);

        await client.SendAsync(FrameBytes.Hello(7, "unit"));
        ReceivedFrame welcome = await client.ReadRequiredFrameAsync();

        Assert.Equal(((ushort)1, 7UL, 41UL, 99UL), welcome.AsWelcome());
        Assert.Equal([7UL], backend.Hellos());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Publish_RunOfFrames_ReachesTheBackendInOrderAndAcksComeBackInOrder(bool inlineFlush)
    {
        const int Count = 600;
        using var helloGate = new ManualResetEventSlim(false);
        var backend = new FakeIngestBackend { HelloGate = helloGate, AckDetail = "ok", InlineFlush = inlineFlush };
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await FrameConnection.ConnectAsync(listener.Port);

        // Everything is in the server's socket before the connection reads past HELLO, so it sees runs of frames.
        await client.SendAsync(FrameBytes.Concat(FrameBytes.Hello(3), Publishes(1, Count)));
        helloGate.Set();
        (await client.ReadRequiredFrameAsync()).AsWelcome();
        var acks = new List<(ulong ProducerSequence, ulong Sequence, AckStatus Status, string Detail)>();
        for (int i = 0; i < Count; i++)
        {
            acks.Add((await client.ReadRequiredFrameAsync()).AsAck());
        }

        ulong[] expected = [.. Enumerable.Range(1, Count).Select(i => (ulong)i)];
        Assert.Equal(expected, acks.Select(a => a.ProducerSequence));
        Assert.Equal(expected, acks.Select(a => a.Sequence));
        Assert.All(acks, a => Assert.Equal((AckStatus.Ok, "ok"), (a.Status, a.Detail)));
        List<(ulong ProducerSequence, string Type, ushort SchemaVersion, byte[] Payload)> taken = backend.TakenFrames();
        Assert.Equal(expected, taken.Select(f => f.ProducerSequence));
        Assert.All(taken, f => Assert.Equal(("test.event", (ushort)1), (f.Type, f.SchemaVersion)));
        Assert.All(taken, f => Assert.Equal(Payload(f.ProducerSequence), f.Payload));
        List<(int Offered, ulong FirstProducerSequence, int Taken)> offers = backend.OfferLog();
        Assert.True(offers.Max(o => o.Offered) > 1, "the frames were handed over one by one, not as runs");
        Assert.Equal(Count, offers.Sum(o => o.Taken));
    }

    [Fact]
    public async Task Publish_BackendFullThenTakingPartOfEachRun_SameFramesOfferedAgainNothingLostOrDuplicated()
    {
        const int Count = 100;
        var backend = new FakeIngestBackend { Take = (call, offered) => call < 3 ? 0 : Math.Min(offered, 7) };
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HandshakeAsync(listener);

        await client.SendAsync(Publishes(1, Count));
        var acks = new List<ulong>();
        for (int i = 0; i < Count; i++)
        {
            acks.Add((await client.ReadRequiredFrameAsync()).AsAck().ProducerSequence);
        }

        ulong[] expected = [.. Enumerable.Range(1, Count).Select(i => (ulong)i)];
        Assert.Equal(expected, acks);
        Assert.Equal(expected, backend.TakenFrames().Select(f => f.ProducerSequence));
        List<(int Offered, ulong FirstProducerSequence, int Taken)> offers = backend.OfferLog();
        Assert.Equal([0, 0, 0], offers.Take(3).Select(o => o.Taken));
        ulong takenBefore = 0;
        foreach ((int _, ulong first, int taken) in offers)
        {
            Assert.Equal(takenBefore + 1, first); // each offer starts at the first frame not yet taken
            takenBefore += (ulong)taken;
        }
    }

    [Fact]
    public async Task Publish_BackendDoesNotAck_StopsHandingOverAtMaxInFlightAndResumesWithAcks()
    {
        const int Limit = 8;
        const int Count = 40;
        var backend = new FakeIngestBackend { AutoAck = false };
        await using IngestListener listener = Start(backend, Options(maxInFlight: Limit));
        using FrameConnection client = await HandshakeAsync(listener);

        await client.SendAsync(Publishes(1, Count));
        await backend.Taken.WaitForAsync(Limit);
        await Task.Delay(QuietPeriod); // a connection that ignored the limit would hand over more meanwhile
        long heldAtTheLimit = backend.Taken.Count;
        int acked = 0;
        while (acked < Count)
        {
            int taken = (int)backend.Taken.Count;
            backend.AckNext(taken - acked);
            acked = taken;
            if (acked < Count)
            {
                await backend.Taken.WaitForAsync(acked + 1);
            }
        }

        var acks = new List<ulong>();
        for (int i = 0; i < Count; i++)
        {
            acks.Add((await client.ReadRequiredFrameAsync()).AsAck().ProducerSequence);
        }

        Assert.Equal(Limit, heldAtTheLimit);
        Assert.Equal(Limit, backend.MaxInFlightSeen);
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (ulong)i), acks);
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (ulong)i), backend.TakenFrames().Select(f => f.ProducerSequence));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Publish_ClientDoesNotReadItsAcks_ConnectionStopsReadingAndOutputStaysBounded(bool inlineFlush)
    {
        const int Watermark = 4096;
        const int Limit = 4;
        const int Count = 2000;
        string detail = new('d', 16 * 1024);
        int ackBytes = FrameBytes.Build(w => FrameWriter.WriteAck(w, ulong.MaxValue, ulong.MaxValue, AckStatus.Ok, detail)).Length;
        var backend = new FakeIngestBackend { AckDetail = detail, InlineFlush = inlineFlush };
        await using IngestListener listener = Start(backend, Options(maxInFlight: Limit, outputHighWatermarkBytes: Watermark));
        using FrameConnection client = await HandshakeAsync(listener, receiveBufferBytes: 4096);

        // 2000 ACKs of 16 KiB are far more than the socket buffers hold, so the output backs up into the connection.
        Task sending = client.SendAsync(Publishes(1, Count));
        await backend.Taken.WaitForAsync(1); // the connection has started; on a busy machine that can take a while
        long seen = -1;
        while (backend.Taken.Count != seen)
        {
            seen = backend.Taken.Count;
            await Task.Delay(QuietPeriod); // bounded: the loop ends once a quiet period passes with nothing new
        }

        int pendingWhileStalled = backend.MaxPendingOutputSeen;
        var acks = new List<ulong>();
        for (int i = 0; i < Count; i++)
        {
            acks.Add((await client.ReadRequiredFrameAsync()).AsAck().ProducerSequence);
        }

        await sending;
        Assert.InRange(seen, 1, Count - 1);
        Assert.InRange(pendingWhileStalled, Watermark, Watermark + (Limit * ackBytes));
        Assert.InRange(backend.MaxPendingOutputSeen, 0, Watermark + (Limit * ackBytes));
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (ulong)i), acks);
        Assert.Equal(Count, backend.Taken.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task FlushInline_WhileTheReadingThreadSendsResults_EveryFrameArrivesWholeAndInOrder()
    {
        const int Count = 3000;
        var backend = new FakeIngestBackend
        {
            AutoAck = false,
            InlineFlush = true,
            AckDetail = new string('a', 700), // big enough that some inline sends find the socket full
            Answer = q => (q.RequestId, ResultStatus.Ok, "{\"n\":" + q.RequestId.ToString(CultureInfo.InvariantCulture) + "}"),
        };
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HandshakeAsync(listener);

        // The "ack thread": acknowledges whatever was taken, flushing inline, while the reading thread answers queries.
        Task acker = Task.Run(async () =>
        {
            long acked = 0;
            while (acked < Count)
            {
                await backend.Taken.WaitForAsync(acked + 1);
                int now = (int)(backend.Taken.Count - acked);
                backend.AckNext(now);
                acked += now;
            }
        });
        byte[][] frames = [.. Enumerable.Range(1, Count).SelectMany(i => new[]
        {
            FrameBytes.Publish((ulong)i, "test.event", Payload((ulong)i)),
            FrameBytes.Query((ulong)i, "q", 0, "{}"),
        })];
        Task sending = client.SendAsync(FrameBytes.Concat(frames));
        var acks = new List<ulong>();
        var results = new List<ulong>();
        for (int i = 0; i < 2 * Count; i++)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.Ack)
            {
                acks.Add(frame.AsAck().ProducerSequence);
            }
            else
            {
                (ulong requestId, ulong sequence, ResultStatus status, string body) = frame.AsResult();
                Assert.Equal((requestId, ResultStatus.Ok, "{\"n\":" + requestId.ToString(CultureInfo.InvariantCulture) + "}"), (sequence, status, body));
                results.Add(requestId);
            }
        }

        await sending;
        await acker;
        ulong[] expected = [.. Enumerable.Range(1, Count).Select(i => (ulong)i)];
        Assert.Equal(expected, acks);
        Assert.Equal(expected, results);
    }

    [Fact]
    public async Task Query_AnsweredLaterFromAnotherThread_ResultCarriesTheRequestId()
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HandshakeAsync(listener);

        await client.SendAsync(FrameBytes.Query(42, "ledger.balance", 7, "{\"account\":\"a-1\"}"));
        await backend.Queries.WaitForAsync(1);
        IngestConnection connection = backend.LastQueryConnection!;
        await Task.Run(() => connection.SendResult(42, 8, ResultStatus.NotFound, "{\"error\":\"no such account\"}"));
        ReceivedFrame result = await client.ReadRequiredFrameAsync();

        Assert.Equal([(42UL, "ledger.balance", 7UL, "{\"account\":\"a-1\"}")], backend.ReceivedQueries());
        Assert.Equal((42UL, 8UL, ResultStatus.NotFound, "{\"error\":\"no such account\"}"), result.AsResult());
    }

    [Fact]
    public async Task Query_AnsweredInsideOnQuery_ResultFollowsAndPingStillAnswers()
    {
        var backend = new FakeIngestBackend { Answer = q => (q.MinSequence, ResultStatus.Ok, "{\"for\":\"" + q.Name + "\"}") };
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HandshakeAsync(listener);

        await client.SendAsync(FrameBytes.Concat(FrameBytes.Query(1, "a", 5, "{}"), FrameBytes.Ping(77), FrameBytes.Query(2, "b", 6, "{}")));
        ReceivedFrame first = await client.ReadRequiredFrameAsync();
        ReceivedFrame pong = await client.ReadRequiredFrameAsync();
        ReceivedFrame second = await client.ReadRequiredFrameAsync();

        Assert.Equal((1UL, 5UL, ResultStatus.Ok, "{\"for\":\"a\"}"), first.AsResult());
        Assert.Equal((FrameKind.Pong, 77UL), (pong.Kind, pong.AsNonce()));
        Assert.Equal((2UL, 6UL, ResultStatus.Ok, "{\"for\":\"b\"}"), second.AsResult());
    }

    [Fact]
    public async Task RunAsync_ClientClosesInsideAFrame_WholeFramesAckedThenMalformedThenClose()
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HandshakeAsync(listener);
        byte[] partial = FrameBytes.Publish(4, "test.event", Payload(4))[..10];

        await client.SendAsync(FrameBytes.Concat(Publishes(1, 3), partial));
        client.ShutdownSend();
        var frames = new List<ReceivedFrame>();
        while (await client.ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        Assert.Equal(4, frames.Count);
        Assert.Equal([1UL, 2UL, 3UL], frames.Take(3).Select(f => f.AsAck().ProducerSequence));
        Assert.Equal(ErrorCode.Malformed, frames[3].AsError().Code);
        Assert.Equal(3, backend.Taken.Count);
    }

    [Fact]
    public async Task RunAsync_ClientResetsInsideAFrame_ListenerKeepsServingOthers()
    {
        var backend = new FakeIngestBackend { HelloAnswer = (0, 5) };
        await using IngestListener listener = Start(backend);
        FrameConnection leaving = await HandshakeAsync(listener);
        await leaving.SendAsync(FrameBytes.Publish(1, "test.event", Payload(1)).AsMemory(0, 12));

        leaving.Abort();
        using FrameConnection next = await FrameConnection.ConnectAsync(listener.Port);
        await next.SendAsync(FrameBytes.Concat(FrameBytes.Hello(0), FrameBytes.Ping(9)));
        ReceivedFrame welcome = await next.ReadRequiredFrameAsync();
        ReceivedFrame pong = await next.ReadRequiredFrameAsync();

        Assert.Equal(5UL, welcome.AsWelcome().HeadSequence);
        Assert.Equal(9UL, pong.AsNonce());
        Assert.Equal(0, backend.Taken.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_AfterWholePublishesWhoseAcksComeLate_ErrorWaitsForEveryAck(bool inlineFlush)
    {
        var backend = new FakeIngestBackend { AutoAck = false, InlineFlush = inlineFlush };
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HandshakeAsync(listener);

        await client.SendAsync(FrameBytes.Concat(Publishes(1, 5), FrameBytes.Raw(1, 0x7E, [])));
        await backend.Taken.WaitForAsync(5);
        await Task.Delay(QuietPeriod); // the ERROR must not overtake the missing ACKs meanwhile
        backend.AckNext(5);
        var frames = new List<ReceivedFrame>();
        while (await client.ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        Assert.Equal(6, frames.Count);
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], frames.Take(5).Select(f => f.AsAck().ProducerSequence));
        Assert.Equal(ErrorCode.UnknownKind, frames[5].AsError().Code);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(200_000)]
    public async Task Publish_FrameExactlyTheMaximumLength_IsAcceptedWhole(int maxFrameLength)
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend, Options(maxFrameLength: maxFrameLength));
        using FrameConnection client = await HandshakeAsync(listener);
        int overhead = FrameBytes.Publish(1, "big", []).Length - sizeof(uint);
        byte[] payload = new byte[maxFrameLength - overhead];
        new Random(maxFrameLength).NextBytes(payload);

        await client.SendAsync(FrameBytes.Concat(FrameBytes.Publish(1, "big", payload), FrameBytes.Publish(2, "big", [1])));
        ReceivedFrame first = await client.ReadRequiredFrameAsync();
        ReceivedFrame second = await client.ReadRequiredFrameAsync();

        Assert.Equal(1UL, first.AsAck().ProducerSequence);
        Assert.Equal(2UL, second.AsAck().ProducerSequence);
        Assert.Equal(payload, backend.TakenFrames()[0].Payload);
    }

    [Fact]
    public async Task Publish_FrameOneAboveTheMaximumLength_BadFrame()
    {
        const int MaxFrameLength = 4096;
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend, Options(maxFrameLength: MaxFrameLength));
        using FrameConnection client = await HandshakeAsync(listener);
        int overhead = FrameBytes.Publish(1, "big", []).Length - sizeof(uint);

        await client.SendAsync(FrameBytes.Publish(1, "big", new byte[MaxFrameLength - overhead + 1]));
        ReceivedFrame error = await client.ReadRequiredFrameAsync();

        Assert.Equal(ErrorCode.BadFrame, error.AsError().Code);
        Assert.Equal(0, backend.Offers.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_ClientResetsWhileItsOutputIsBackedUp_ConnectionCloses(bool inlineFlush)
    {
        var logger = new SignalingLogger();
        var backend = new FakeIngestBackend { AckDetail = new string('d', 16 * 1024), InlineFlush = inlineFlush };
        var listener = new IngestListener(Options(maxInFlight: 4, outputHighWatermarkBytes: 4096), backend, logger);
        listener.Start();
        await using IngestListener lease = listener;
        FrameConnection client = await HandshakeAsync(listener, receiveBufferBytes: 4096);
        Task sending = client.SendAsync(Publishes(1, 2000));
        await backend.Taken.WaitForAsync(1);
        long seen = -1;
        while (backend.Taken.Count != seen)
        {
            seen = backend.Taken.Count;
            await Task.Delay(QuietPeriod); // bounded: ends once a quiet period passes with nothing new (the output is backed up)
        }

        client.Abort();
        await logger.Event(SignalingLogger.ConnectionClosed).WaitForAsync(1);
        _ = await Record.ExceptionAsync(() => sending); // completed into the socket buffers, or failed with the reset

        Assert.True(seen < 2000, "the output never backed up");
        Assert.Equal(1, logger.Event(SignalingLogger.ConnectionClosed).Count);
    }
}
