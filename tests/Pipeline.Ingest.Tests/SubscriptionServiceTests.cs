using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;
using static Pipeline.Ingest.Tests.SubscriptionTestStore;

namespace Pipeline.Ingest.Tests;

/// <summary>Push subscriptions served from a real event log that the test appends to, as a client sees them.</summary>
public sealed class SubscriptionServiceTests
{
    private static readonly TimeSpan s_quiet = IngestTestHost.QuietPeriod;

    [Fact(Timeout = 30_000)]
    public async Task Subscribe_FromTheBeginning_CatchUpThenCaughtUpOnceThenLive()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(50);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(7, SubscriptionStart.Beginning, 1000));
        SubscribedFrame subscribed = (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (ReceivedFrame caughtUp, List<ulong> history) = await ReadUntilAsync(client, FrameKind.CaughtUp);
        store.Append(10);
        (List<ulong> live, List<ReceivedFrame> others) = await ReadEventsAsync(client, 10);

        Assert.Equal(new SubscribedFrame(7, 1, 50), subscribed);
        Assert.Equal(Range(1, 50), history);
        Assert.Equal(new CaughtUpFrame(7, 50), caughtUp.AsCaughtUp());
        Assert.Equal(Range(51, 60), live);
        Assert.Empty(others);
    }

    [Fact(Timeout = 30_000)]
    public async Task Subscribe_EndAndStartAt_StartWhereAsked()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(20);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Concat(FrameBytes.Subscribe(1, SubscriptionStart.End, 100)));
        SubscribedFrame end = (await client.ReadRequiredFrameAsync()).AsSubscribed();
        CaughtUpFrame endCaughtUp = (await client.ReadRequiredFrameAsync()).AsCaughtUp();
        await client.SendAsync(FrameBytes.Subscribe(2, SubscriptionStart.StartAt, 100, from: 15));
        SubscribedFrame at = (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (ReceivedFrame atCaughtUp, List<ulong> atHistory) = await ReadUntilAsync(client, FrameKind.CaughtUp);
        store.Append(1);
        var both = new List<(ulong, ulong)>();
        while (both.Count < 2)
        {
            var push = (await client.ReadRequiredFrameAsync()).AsPush();
            both.AddRange(push.Records.Select(r => (push.SubscriptionId, r.Position)));
        }

        Assert.Equal((new SubscribedFrame(1, 21, 20), new CaughtUpFrame(1, 20)), (end, endCaughtUp));
        Assert.Equal(new SubscribedFrame(2, 15, 20), at);
        Assert.Equal(Range(15, 20), atHistory);
        Assert.Equal(new CaughtUpFrame(2, 20), atCaughtUp.AsCaughtUp());
        Assert.Equal([(1UL, 21UL), (2UL, 21UL)], both.Order());
    }

    [Fact(Timeout = 30_000)]
    public async Task Credits_ClientGrantsN_GetsExactlyNThenNothingUntilCredit()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(100);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(3, SubscriptionStart.Beginning, 10));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (List<ulong> first, _) = await ReadEventsAsync(client, 10);
        ReceivedFrame? quiet = await ReadQuietlyAsync(client);
        await client.SendAsync(FrameBytes.Credit(3, 5));
        (List<ulong> second, _) = await ReadEventsAsync(client, 5);
        ReceivedFrame? quietAgain = await ReadQuietlyAsync(client);

        Assert.Equal(Range(1, 10), first);
        Assert.Null(quiet);
        Assert.Equal(Range(11, 15), second);
        Assert.Null(quietAgain);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(EventFilterKind.Stream, "s-1", 0UL)]
    [InlineData(EventFilterKind.StreamPrefix, "s-", 0UL)]
    [InlineData(EventFilterKind.TypePrefix, "even", 0UL)]
    [InlineData(EventFilterKind.TypePrefix, "odd.x", 0UL)]
    [InlineData(EventFilterKind.Producer, "", 2UL)]
    [InlineData(EventFilterKind.Producer, "", 0UL)]
    public async Task Filter_HistoryAndLive_OnlyMatchingEventsInPositionOrder(EventFilterKind kind, string key, ulong producer)
    {
        // Small batches: a scan crosses many reads, matched or not.
        await using var store = new SubscriptionTestStore(new SubscriptionOptions { HeartbeatInterval = TimeSpan.FromHours(1), MaxExaminedPerBatch = 7 });
        store.Append(60);
        var filter = new EventFilter(kind, producer, System.Text.Encoding.UTF8.GetBytes(key));
        List<ulong> expected = [.. Enumerable.Range(1, 90).Where(n => filter.Matches(System.Text.Encoding.UTF8.GetBytes(Stream(n)), System.Text.Encoding.UTF8.GetBytes(Type(n)), Producer(n))).Select(n => (ulong)n)];
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(4, SubscriptionStart.Beginning, 1000, kind, key, producer));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (ReceivedFrame caughtUp, List<ulong> history) = await ReadUntilAsync(client, FrameKind.CaughtUp);
        store.Append(30);
        (List<ulong> live, _) = await ReadEventsAsync(client, expected.Count - history.Count);

        Assert.Equal(expected, [.. history, .. live]);
        Assert.Equal(60UL, caughtUp.AsCaughtUp().Position);
    }

    [Fact(Timeout = 30_000)]
    public async Task Heartbeat_IdleFilteredSubscription_AdvancesCheckedWithTheHead()
    {
        await using var store = new SubscriptionTestStore(new SubscriptionOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(50), MaxExaminedPerBatch = 16 });
        store.Append(100);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(5, SubscriptionStart.Beginning, 1000, EventFilterKind.TypePrefix, "nothing."));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        CaughtUpFrame caughtUp = (await client.ReadRequiredFrameAsync()).AsCaughtUp();
        HeartbeatFrame idle = (await client.ReadRequiredFrameAsync()).AsHeartbeat();
        store.Append(40);
        HeartbeatFrame later;
        do
        {
            later = (await client.ReadRequiredFrameAsync()).AsHeartbeat();
        }
        while (later.Checked < 140);

        Assert.Equal(new CaughtUpFrame(5, 100), caughtUp);
        Assert.Equal(new HeartbeatFrame(5, 100, 100), idle);
        Assert.Equal(new HeartbeatFrame(5, 140, 140), later);
    }

    [Fact(Timeout = 30_000)]
    public async Task Heartbeat_WithoutCredits_StillComesWithCheckedAtTheStart()
    {
        await using var store = new SubscriptionTestStore(new SubscriptionOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(50) });
        store.Append(10);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(6, SubscriptionStart.Beginning, 0));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        HeartbeatFrame heartbeat = (await client.ReadRequiredFrameAsync()).AsHeartbeat();

        Assert.Equal(new HeartbeatFrame(6, 0, 10), heartbeat);
    }

    [Fact(Timeout = 30_000)]
    public async Task Unsubscribe_OpenAndUnknownIds_UnsubscribedWithNextThenNotFound()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(30);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(8, SubscriptionStart.Beginning, 10));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        await ReadEventsAsync(client, 10);
        await client.SendAsync(FrameBytes.Concat(FrameBytes.Unsubscribe(8), FrameBytes.Unsubscribe(99), FrameBytes.Credit(98, 5)));
        var ends = new List<(ulong, SubscriptionEndStatus, ulong, string)>();
        for (int i = 0; i < 3; i++)
        {
            ends.Add((await client.ReadRequiredFrameAsync()).AsSubEnd());
        }

        await client.SendAsync(FrameBytes.Concat(FrameBytes.Credit(8, 1), FrameBytes.Unsubscribe(8)));
        var late = new[] { (await client.ReadRequiredFrameAsync()).AsSubEnd(), (await client.ReadRequiredFrameAsync()).AsSubEnd() };

        Assert.Equal(
            [(8UL, SubscriptionEndStatus.Unsubscribed, 11UL, ""), (98UL, SubscriptionEndStatus.NotFound, 0UL, "no such subscription"), (99UL, SubscriptionEndStatus.NotFound, 0UL, "no such subscription")],
            ends.OrderBy(e => e.Item1));
        Assert.All(late, e => Assert.Equal((8UL, SubscriptionEndStatus.NotFound), (e.SubscriptionId, e.Status)));
        Assert.Equal(0, store.Subscriptions.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task Errors_DuplicateIdBadFilterCreditZeroAndOverflow_RefusedAndTheOthersGoOn()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(5);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 2));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        await ReadEventsAsync(client, 2);
        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 5));
        var duplicate = (await client.ReadRequiredFrameAsync()).AsSubEnd();
        await client.SendAsync(FrameBytes.Subscribe(2, SubscriptionStart.Beginning, 5, EventFilterKind.Stream, ""));
        var badFilter = (await client.ReadRequiredFrameAsync()).AsSubEnd();
        await client.SendAsync(FrameBytes.Subscribe(3, SubscriptionStart.Beginning, 1_000_001));
        var badCredits = (await client.ReadRequiredFrameAsync()).AsSubEnd();
        await client.SendAsync(FrameBytes.Subscribe(4, SubscriptionStart.Checkpoint, 5));
        var noConsumer = (await client.ReadRequiredFrameAsync()).AsSubEnd();
        await client.SendAsync(FrameBytes.Credit(1, 1)); // the duplicate did not end the open one
        (List<ulong> third, _) = await ReadEventsAsync(client, 1);
        await client.SendAsync(FrameBytes.Subscribe(6, SubscriptionStart.End, 1_000_000));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (await client.ReadRequiredFrameAsync()).AsCaughtUp();
        await client.SendAsync(FrameBytes.Credit(6, 1));
        var overflow = (await client.ReadRequiredFrameAsync()).AsSubEnd();
        await client.SendAsync(FrameBytes.Subscribe(5, SubscriptionStart.Beginning, 0));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        await client.SendAsync(FrameBytes.Credit(5, 0));
        var zero = (await client.ReadRequiredFrameAsync()).AsSubEnd();

        Assert.Equal((1UL, SubscriptionEndStatus.DuplicateId, 0UL), (duplicate.SubscriptionId, duplicate.Status, duplicate.Next));
        Assert.Equal((2UL, SubscriptionEndStatus.BadRequest, "the stream id of filter Stream is 0 bytes; it must be 1..255"), (badFilter.SubscriptionId, badFilter.Status, badFilter.Message));
        Assert.Equal((3UL, SubscriptionEndStatus.BadRequest), (badCredits.SubscriptionId, badCredits.Status));
        Assert.Equal((4UL, SubscriptionEndStatus.BadRequest, "start Checkpoint needs a consumer name"), (noConsumer.SubscriptionId, noConsumer.Status, noConsumer.Message));
        Assert.Equal(Range(3, 3), third);
        Assert.Equal((6UL, SubscriptionEndStatus.BadRequest, 6UL), (overflow.SubscriptionId, overflow.Status, overflow.Next));
        Assert.Contains("1000000", overflow.Message, StringComparison.Ordinal);
        Assert.Equal((5UL, SubscriptionEndStatus.BadRequest, 1UL, "credits 0 is outside 1..1000000"), zero);
    }

    [Fact(Timeout = 30_000)]
    public async Task TooMany_PerConnectionAndPerServer_RefusedUntilOneEnds()
    {
        await using var store = new SubscriptionTestStore(new SubscriptionOptions { MaxSubscriptionsPerConnection = 2, MaxSubscriptions = 3, HeartbeatInterval = TimeSpan.FromHours(1) });
        using FrameConnection first = await store.ConnectAsync();
        using FrameConnection second = await store.ConnectAsync();

        await first.SendAsync(FrameBytes.Concat(FrameBytes.Subscribe(1, SubscriptionStart.End, 0), FrameBytes.Subscribe(2, SubscriptionStart.End, 0), FrameBytes.Subscribe(3, SubscriptionStart.End, 0)));
        var firstFrames = new List<ReceivedFrame>();
        for (int i = 0; i < 5; i++)
        {
            firstFrames.Add(await first.ReadRequiredFrameAsync()); // two SUBSCRIBED, two CAUGHT_UP, one SUB_END
        }

        await second.SendAsync(FrameBytes.Concat(FrameBytes.Subscribe(1, SubscriptionStart.End, 0), FrameBytes.Subscribe(2, SubscriptionStart.End, 0)));
        var secondFrames = new List<ReceivedFrame>();
        for (int i = 0; i < 3; i++)
        {
            secondFrames.Add(await second.ReadRequiredFrameAsync());
        }

        var perConnection = Assert.Single(firstFrames, f => f.Kind == FrameKind.SubEnd).AsSubEnd();
        var perServer = Assert.Single(secondFrames, f => f.Kind == FrameKind.SubEnd).AsSubEnd();
        Assert.Equal((3UL, SubscriptionEndStatus.TooMany, "the connection has its maximum of 2 subscriptions open"), (perConnection.SubscriptionId, perConnection.Status, perConnection.Message));
        Assert.Equal((2UL, SubscriptionEndStatus.TooMany, "the server has its maximum of 3 subscriptions open"), (perServer.SubscriptionId, perServer.Status, perServer.Message));
        Assert.Equal(3, store.Subscriptions.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task Consumer_HeldByAnotherConnection_BusyUntilTheHolderDisconnects()
    {
        await using var store = new SubscriptionTestStore();
        FrameConnection holder = await store.ConnectAsync();
        using FrameConnection other = await store.ConnectAsync();

        await holder.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.End, 0, consumer: "balances"));
        (await holder.ReadRequiredFrameAsync()).AsSubscribed();
        await other.SendAsync(FrameBytes.Subscribe(2, SubscriptionStart.End, 0, consumer: "balances"));
        var busy = (await other.ReadRequiredFrameAsync()).AsSubEnd();
        bool heldBefore = store.Subscriptions.IsHeld("balances");
        holder.Dispose();
        FrameKind answer = await SubscribeUntilNotBusyAsync(other, 3, "balances");

        Assert.Equal(SubscriptionEndStatus.ConsumerBusy, busy.Status);
        Assert.Matches("^the consumer 'balances' is held by a subscription of connection [0-9]+$", busy.Message);
        Assert.True(heldBefore);
        Assert.Equal(FrameKind.Subscribed, answer);
    }

    [Fact(Timeout = 30_000)]
    public async Task Checkpoint_KnownAndUnknownConsumers_ResumesAfterItOrConsumerNotFound()
    {
        var checkpoints = new FakeCheckpoints { ["known"] = 40 };
        await using var store = new SubscriptionTestStore(checkpoints: checkpoints);
        store.Append(45);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Checkpoint, 100, consumer: "unknown"));
        var notFound = (await client.ReadRequiredFrameAsync()).AsSubEnd();
        await client.SendAsync(FrameBytes.Subscribe(2, SubscriptionStart.Checkpoint, 100, consumer: "known"));
        SubscribedFrame subscribed = (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (_, List<ulong> events) = await ReadUntilAsync(client, FrameKind.CaughtUp);

        Assert.Equal((1UL, SubscriptionEndStatus.ConsumerNotFound, 0UL, "the consumer 'unknown' has no checkpoint"), notFound);
        Assert.False(store.Subscriptions.IsHeld("unknown"));
        Assert.Equal(new SubscribedFrame(2, 41, 45), subscribed);
        Assert.Equal(Range(41, 45), events);
    }

    [Fact(Timeout = 30_000)]
    public async Task EndConsumer_Held_EndsTheHolderWithResetAndFreesTheName()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(3);
        using FrameConnection client = await store.ConnectAsync();
        await client.SendAsync(FrameBytes.Subscribe(9, SubscriptionStart.Beginning, 100, consumer: "c-1"));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        await ReadUntilAsync(client, FrameKind.CaughtUp);

        await store.Subscriptions.EndConsumerAsync("c-1", SubscriptionEndStatus.Reset, "reset to 1").WaitAsync(TestTimeouts.Default);
        var end = (await client.ReadRequiredFrameAsync()).AsSubEnd();

        Assert.Equal((9UL, SubscriptionEndStatus.Reset, 4UL, "reset to 1"), end);
        Assert.False(store.Subscriptions.IsHeld("c-1"));
    }

    [Fact(Timeout = 30_000)]
    public async Task LargeEvents_AboveTheFrameShareAndAboveTheMaximumFrame_SentAloneOrTooLarge()
    {
        await using var store = new SubscriptionTestStore(new SubscriptionOptions { FrameBytes = 1024, HeartbeatInterval = TimeSpan.FromHours(1) }, maxFrameLength: 8192, maxPayloadBytes: 16384);
        store.Append(3);
        store.Append(1, payloadBytes: 4000); // 4: above the frame share, within the maximum frame
        store.Append(2);
        store.Append(1, payloadBytes: 9000); // 7: above the maximum frame
        store.Append(1);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 100));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (ReceivedFrame end, List<ulong> positions) = await ReadUntilAsync(client, FrameKind.SubEnd);

        Assert.Equal(Range(1, 6), positions);
        Assert.Equal((1UL, SubscriptionEndStatus.TooLarge, 7UL, "the event at 7 does not fit a frame of 8192 bytes"), end.AsSubEnd());
    }

    [Fact(Timeout = 60_000)]
    public async Task Switch_SubscribeWhileAWriterAppends_PositionsContiguousAcrossCaughtUp()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(1);
        using var stop = new CancellationTokenSource();
        // Bursts of a few events as fast as the pool runs them: about as fast as the engine makes events visible, and
        // slow enough that a subscriber can reach the head (a writer that always outruns it never lets it catch up).
        Task writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                store.Append(7);
                await Task.Yield();
                store.Append(3);
                await Task.Delay(1, CancellationToken.None);
            }
        });
        using FrameConnection client = await store.ConnectAsync();

        for (ulong iteration = 1; iteration <= 30; iteration++)
        {
            await client.SendAsync(FrameBytes.Subscribe(iteration, SubscriptionStart.Beginning, 1_000_000));
            SubscribedFrame subscribed = (await client.ReadRequiredFrameAsync()).AsSubscribed();
            (ReceivedFrame caughtUp, List<ulong> history) = await ReadUntilAsync(client, FrameKind.CaughtUp);
            ulong target = caughtUp.AsCaughtUp().Position + 200;
            var live = new List<ulong>();
            while (live.Count == 0 || live[^1] < target)
            {
                live.AddRange((await client.ReadRequiredFrameAsync()).AsPush().Records.Select(r => r.Position));
            }

            await client.SendAsync(FrameBytes.Unsubscribe(iteration));
            (_, List<ulong> tail) = await ReadUntilAsync(client, FrameKind.SubEnd);

            List<ulong> all = [.. history, .. live, .. tail];
            Assert.Equal(1UL, subscribed.Start);
            Assert.Equal(caughtUp.AsCaughtUp().Position, history[^1]);
            Assert.Equal(Range(1, (long)all[^1]), all);
        }

        await stop.CancelAsync();
        await writer.WaitAsync(TestTimeouts.Default);
    }

    [Fact(Timeout = 30_000)]
    public async Task StalledSubscriber_NeverReads_OtherSubscriberGetsEverything()
    {
        await using var store = new SubscriptionTestStore();
        using FrameConnection stalled = await store.ConnectAsync(receiveBufferBytes: 4096);
        using FrameConnection reader = await store.ConnectAsync();
        await stalled.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1_000_000));
        await reader.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1_000_000));
        (await reader.ReadRequiredFrameAsync()).AsSubscribed();

        // About 12 MB of events: far more than the stalled connection's output watermark and socket buffers.
        for (int i = 0; i < 30; i++)
        {
            store.Append(100, payloadBytes: 4000);
        }

        (List<ulong> positions, _) = await ReadEventsAsync(reader, 3000);

        Assert.Equal(Range(1, 3000), positions);
        Assert.Equal(2, store.Subscriptions.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task Disconnect_MidBatch_SubscriptionEndsAndTheServerServesOthers()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(2000);
        FrameConnection leaving = await store.ConnectAsync();
        await leaving.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1_000_000, consumer: "leaver"));
        (await leaving.ReadRequiredFrameAsync()).AsSubscribed();
        (await leaving.ReadRequiredFrameAsync()).AsPush();
        leaving.Abort();
        using FrameConnection client = await store.ConnectAsync();

        FrameKind answer = await SubscribeUntilNotBusyAsync(client, 2, "leaver");
        (ReceivedFrame caughtUp, List<ulong> positions) = await ReadUntilAsync(client, FrameKind.CaughtUp);

        Assert.Equal(FrameKind.Subscribed, answer);
        Assert.Equal(Range(1, 2000), positions);
        Assert.Equal(2000UL, caughtUp.AsCaughtUp().Position);
    }

    [Fact(Timeout = 60_000)]
    public async Task HundredSubscriptions_OneServer_EachReceivesEverything()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(100);
        var clients = new List<FrameConnection>();
        for (int i = 0; i < 10; i++)
        {
            FrameConnection client = await store.ConnectAsync();
            clients.Add(client);
            await client.SendAsync(FrameBytes.Concat([.. Enumerable.Range(1, 10).Select(id => FrameBytes.Subscribe((ulong)id, SubscriptionStart.Beginning, 1_000_000))]));
        }

        store.Append(100);
        Task<Dictionary<ulong, List<ulong>>>[] reads = [.. clients.Select(ReadTenSubscriptionsAsync)];
        Dictionary<ulong, List<ulong>>[] received = await Task.WhenAll(reads);
        foreach (FrameConnection client in clients)
        {
            client.Dispose();
        }

        Assert.All(received, perClient => Assert.All(perClient.Values, positions => Assert.Equal(Range(1, 200), positions)));
        Assert.Equal(100, received.Sum(r => r.Count));
    }

    private static async Task<Dictionary<ulong, List<ulong>>> ReadTenSubscriptionsAsync(FrameConnection client)
    {
        var positions = Enumerable.Range(1, 10).ToDictionary(id => (ulong)id, _ => new List<ulong>());
        while (positions.Values.Any(p => p.Count < 200))
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.Push)
            {
                var push = frame.AsPush();
                positions[push.SubscriptionId].AddRange(push.Records.Select(r => r.Position));
            }
        }

        return positions;
    }

    // A client cannot know when the server noticed another connection's close: it subscribes again until the consumer
    // is free (bounded by the test's timeout; each try waits for the server's answer, no sleep).
    private static async Task<FrameKind> SubscribeUntilNotBusyAsync(FrameConnection client, ulong id, string consumer)
    {
        while (true)
        {
            await client.SendAsync(FrameBytes.Subscribe(id, SubscriptionStart.Beginning, 1_000_000, consumer: consumer));
            ReceivedFrame answer = await client.ReadRequiredFrameAsync();
            if (answer.Kind != FrameKind.SubEnd || answer.AsSubEnd().Status != SubscriptionEndStatus.ConsumerBusy)
            {
                return answer.Kind;
            }
        }
    }

    private static async Task<ReceivedFrame?> ReadQuietlyAsync(FrameConnection client)
    {
        try
        {
            return await client.ReadFrameAsync(s_quiet);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private sealed class FakeCheckpoints : Dictionary<string, long>, IConsumerCheckpoints
    {
        public bool TryGetCheckpoint(string consumer, out long position) => TryGetValue(consumer, out position);
    }
}
