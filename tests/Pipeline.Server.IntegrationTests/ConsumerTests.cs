using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>
/// Protocol version 3 end to end over TCP against the worker service hosting the ledger: subscriptions (catch-up,
/// the switch to live, filters, credits, heartbeats, slow and many subscribers), FETCH, every error row of the spec,
/// and durable consumers across a restart.
/// </summary>
[Collection(ConsumerTestsCollection.Name)]
public sealed class ConsumerTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private Task<InProcessServer> StartAsync(params (string Key, string Value)[] settings) => InProcessServer.StartAsync(_data.Path, settings);

    // ledger.open of `count` new accounts: one event each.
    private static async Task<Ack[]> OpenAsync(PipelineClient writer, string prefix, int from, int count)
    {
        var commands = new List<(string, ReadOnlyMemory<byte>)>(count);
        for (int i = from; i < from + count; i++)
        {
            commands.Add(("ledger.open", InProcessServer.Json($$"""{"account": "{{prefix}}{{i.ToString(CultureInfo.InvariantCulture)}}"}""")));
        }

        Ack[] acks = await writer.PublishBatchAsync(commands);
        Assert.All(acks, a => Assert.Equal(AckStatus.Ok, a.Status));

        // An ACK waits for the journal, not for the event log: wait until the events are visible (a READ with
        // min_sequence waits for that), so that a COMMIT up to them right after is not above the visible head.
        await writer.ReadAllBackwardAsync(ulong.MaxValue, 1, minSequence: acks.Max(a => a.Sequence)).WaitAsync(TestTimeouts.Default);
        return acks;
    }

    private static async Task<(ReceivedFrame Frame, List<ulong> Positions)> ReadUntilAsync(FrameConnection client, FrameKind kind, ulong? subscriptionId = null)
    {
        var positions = new List<ulong>();
        while (true)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == kind && (subscriptionId is null || frame.Body.Length < 8 || BitConverter.ToUInt64(frame.Body, 0) == subscriptionId))
            {
                return (frame, positions);
            }

            if (frame.Kind == FrameKind.Push)
            {
                positions.AddRange(frame.AsPush().Records.Select(r => r.Position));
            }
        }
    }

    private static async Task<List<ulong>> ReadEventsAsync(FrameConnection client, int count)
    {
        var positions = new List<ulong>();
        while (positions.Count < count)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.Push)
            {
                positions.AddRange(frame.AsPush().Records.Select(r => r.Position));
            }
        }

        return positions;
    }

    private static async Task<(List<(ulong Position, string Stream, string Type, ulong Producer)> Events, (ulong RequestId, ReadStatus Status, ulong Next, ulong HeadPosition, uint EventCount, string Message) End)> FetchAsync(FrameConnection client, byte[] fetch)
    {
        await client.SendAsync(fetch);
        var events = new List<(ulong, string, string, ulong)>();
        while (true)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.ReadEnd)
            {
                return (events, frame.AsReadEnd());
            }

            events.AddRange(frame.AsEvents().Records.Select(r => (r.Position, r.Stream, r.Type, r.ProducerId)));
        }
    }

    private static List<ulong> Range(ulong from, ulong toInclusive) => [.. Enumerable.Range((int)from, (int)(toInclusive - from + 1)).Select(i => (ulong)i)];

    private static async Task<ReceivedFrame?> ReadQuietlyAsync(FrameConnection client)
    {
        try
        {
            return await client.ReadFrameAsync(TimeSpan.FromMilliseconds(300));
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Subscribe_CatchUpThenCaughtUpThenLive()
    {
        await using InProcessServer server = await StartAsync();
        await using PipelineClient writer = await server.WriterAsync(1);
        await OpenAsync(writer, "a-", 1, 40);
        using FrameConnection client = await server.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1000));
        SubscribedFrame subscribed = (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (ReceivedFrame caughtUp, List<ulong> history) = await ReadUntilAsync(client, FrameKind.CaughtUp);
        await OpenAsync(writer, "a-", 41, 10);
        List<ulong> live = await ReadEventsAsync(client, 50 - history.Count);

        Assert.Equal(1UL, subscribed.Start);
        Assert.Equal(caughtUp.AsCaughtUp().Position, history.Count == 0 ? 0 : history[^1]);
        Assert.Equal(Range(1, 50), [.. history, .. live]);
    }

    [Fact(Timeout = 300_000)]
    public async Task Switch_SubscribeWhileWritersPublishAtFullSpeed_NoGapNoDuplicateAcrossCaughtUp()
    {
        await using InProcessServer server = await StartAsync();
        using var stop = new CancellationTokenSource();
        long written = 0;
        async Task WriteAsync(ulong producer)
        {
            await using PipelineClient writer = await server.WriterAsync(producer);
            for (int batch = 0; !stop.IsCancellationRequested; batch++)
            {
                await OpenAsync(writer, $"w{producer}-", batch * 50, 50);
                Interlocked.Add(ref written, 50);
            }
        }

        Task[] writers = [WriteAsync(1), WriteAsync(2)];
        using FrameConnection client = await server.ConnectAsync();
        ulong lastSeen = 0;
        int caughtUpWithLiveAfter = 0;

        for (ulong iteration = 1; iteration <= 30; iteration++)
        {
            ulong from = lastSeen > 2_000 ? lastSeen - 2_000 : 1;
            await client.SendAsync(FrameBytes.Subscribe(iteration, SubscriptionStart.StartAt, 1_000_000, from: from));
            SubscribedFrame subscribed = (await client.ReadRequiredFrameAsync()).AsSubscribed();
            (ReceivedFrame caughtUpFrame, List<ulong> history) = await ReadUntilAsync(client, FrameKind.CaughtUp);
            ulong caughtUp = caughtUpFrame.AsCaughtUp().Position;
            var live = new List<ulong>();
            while (live.Count < 100)
            {
                live.AddRange((await client.ReadRequiredFrameAsync()).AsPush().Records.Select(r => r.Position));
            }

            await client.SendAsync(FrameBytes.Unsubscribe(iteration));
            (ReceivedFrame end, List<ulong> tail) = await ReadUntilAsync(client, FrameKind.SubEnd);

            List<ulong> all = [.. history, .. live, .. tail];
            Assert.Equal(from, subscribed.Start);
            Assert.Equal(Range(from, all[^1]), all); // contiguous: no gap, no duplicate, in order
            Assert.Equal(caughtUp, history.Count == 0 ? from - 1 : history[^1]);
            Assert.Equal((SubscriptionEndStatus.Unsubscribed, all[^1] + 1), (end.AsSubEnd().Status, end.AsSubEnd().Next));
            lastSeen = all[^1];
            caughtUpWithLiveAfter++;
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(30, caughtUpWithLiveAfter);
        Assert.True(Interlocked.Read(ref written) > 3_000, $"{written} events written");
    }

    [Fact(Timeout = 120_000)]
    public async Task Filters_StreamPrefixTypeProducer_MatchWhatAnUnfilteredFetchShows()
    {
        await using InProcessServer server = await StartAsync();
        await using (PipelineClient one = await server.WriterAsync(11))
        await using (PipelineClient two = await server.WriterAsync(12))
        {
            await OpenAsync(one, "f-", 1, 10);
            await OpenAsync(two, "g-", 1, 10);
            await one.PublishBatchAsync([.. Enumerable.Range(1, 10).Select(i => ("ledger.deposit", InProcessServer.Json($$"""{"account": "f-{{i}}", "amount": 5}""")))]);
        }

        using FrameConnection client = await server.ConnectAsync();
        (var all, var fetchEnd) = await FetchAsync(client, FrameBytes.Fetch(1, 1, 10_000));
        Assert.Equal(30, all.Count);
        (EventFilterKind Kind, string Key, ulong Producer)[] filters =
        [
            (EventFilterKind.Stream, "account-f-3", 0),
            (EventFilterKind.StreamPrefix, "account-g-", 0),
            (EventFilterKind.TypePrefix, "ledger.deposited", 0),
            (EventFilterKind.TypePrefix, "ledger.", 0),
            (EventFilterKind.Producer, "", 12),
        ];

        for (int i = 0; i < filters.Length; i++)
        {
            (EventFilterKind kind, string key, ulong producer) = filters[i];
            var filter = new EventFilter(kind, producer, Encoding.UTF8.GetBytes(key));
            List<ulong> expected = [.. all.Where(e => filter.Matches(Encoding.UTF8.GetBytes(e.Stream), Encoding.UTF8.GetBytes(e.Type), e.Producer)).Select(e => e.Position)];
            ulong id = (ulong)i + 1;
            await client.SendAsync(FrameBytes.Subscribe(id, SubscriptionStart.Beginning, 1000, kind, key, producer));
            (await client.ReadRequiredFrameAsync()).AsSubscribed();
            (ReceivedFrame caughtUp, List<ulong> pushed) = await ReadUntilAsync(client, FrameKind.CaughtUp);
            await client.SendAsync(FrameBytes.Unsubscribe(id));
            await ReadUntilAsync(client, FrameKind.SubEnd);

            Assert.NotEmpty(expected);
            Assert.Equal(expected, pushed);
            Assert.Equal(fetchEnd.HeadPosition, caughtUp.AsCaughtUp().Position);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Heartbeat_IdleFilteredSubscription_CheckedAdvancesWithTheHead()
    {
        await using InProcessServer server = await StartAsync(("Pipeline:Consumers:HeartbeatInterval", "00:00:00.100"));
        await using PipelineClient writer = await server.WriterAsync(1);
        using FrameConnection client = await server.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1000, EventFilterKind.TypePrefix, "nothing."));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        CaughtUpFrame caughtUp = (await client.ReadRequiredFrameAsync()).AsCaughtUp();
        HeartbeatFrame first = (await client.ReadRequiredFrameAsync()).AsHeartbeat();
        await OpenAsync(writer, "h-", 1, 20);
        HeartbeatFrame later;
        do
        {
            later = (await client.ReadRequiredFrameAsync()).AsHeartbeat(); // never a PUSH: nothing matches
        }
        while (later.Checked < 20);

        Assert.Equal((0UL, 0UL), (caughtUp.Position, first.Checked));
        Assert.Equal((20UL, 20UL), (later.Checked, later.HeadPosition));
    }

    [Fact(Timeout = 120_000)]
    public async Task Credits_GrantN_ExactlyNThenNothingUntilCredit()
    {
        await using InProcessServer server = await StartAsync();
        await using PipelineClient writer = await server.WriterAsync(1);
        await OpenAsync(writer, "c-", 1, 30);
        using FrameConnection client = await server.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 7));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        List<ulong> first = await ReadEventsAsync(client, 7);
        ReceivedFrame? quiet = await ReadQuietlyAsync(client);
        await client.SendAsync(FrameBytes.Credit(1, 4));
        List<ulong> second = await ReadEventsAsync(client, 4);
        ReceivedFrame? quietAgain = await ReadQuietlyAsync(client);

        Assert.Equal(Range(1, 7), first);
        Assert.Null(quiet);
        Assert.Equal(Range(8, 11), second);
        Assert.Null(quietAgain);
    }

    [Fact(Timeout = 180_000)]
    public async Task StalledSubscriber_NeverReads_PublishingAndAnotherSubscriberGoOn()
    {
        await using InProcessServer server = await StartAsync();
        using FrameConnection stalled = await server.ConnectAsync(receiveBufferBytes: 4096);
        await stalled.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1_000_000));
        using FrameConnection reader = await server.ConnectAsync();
        await reader.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1_000_000));
        (await reader.ReadRequiredFrameAsync()).AsSubscribed();
        const int Events = 80_000; // about 8 MB of PUSH frames: beyond the stalled connection's output watermark and socket buffers
        Task<List<ulong>> reading = ReadEventsAsync(reader, Events);

        await using (PipelineClient writer = await server.WriterAsync(1))
        {
            for (int i = 0; i < Events; i += 1000)
            {
                await OpenAsync(writer, "s-", i, 1000);
            }
        }

        List<ulong> received = await reading;

        Assert.Equal(Range(1, Events), received);
    }

    [Fact(Timeout = 120_000)]
    public async Task HundredSubscriptions_OneServer_EachReceivesEverything()
    {
        await using InProcessServer server = await StartAsync();
        await using PipelineClient writer = await server.WriterAsync(1);
        await OpenAsync(writer, "m-", 1, 100);
        var clients = new List<FrameConnection>();
        for (int c = 0; c < 10; c++)
        {
            FrameConnection client = await server.ConnectAsync();
            clients.Add(client);
            await client.SendAsync(FrameBytes.Concat([.. Enumerable.Range(1, 10).Select(id => FrameBytes.Subscribe((ulong)id, SubscriptionStart.Beginning, 1_000_000))]));
        }

        await OpenAsync(writer, "m-", 101, 100);
        Dictionary<ulong, List<ulong>>[] received = await Task.WhenAll(clients.Select(async client =>
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
        }));
        clients.ForEach(c => c.Dispose());

        Assert.Equal(100, received.Sum(r => r.Count));
        Assert.All(received, perClient => Assert.All(perClient.Values, positions => Assert.Equal(Range(1, 200), positions)));
    }

    [Fact(Timeout = 120_000)]
    public async Task Fetch_LongPoll_AnsweredWhenAnEventArrivesAndEmptyAfterMaxWait()
    {
        await using InProcessServer server = await StartAsync();
        await using PipelineClient writer = await server.WriterAsync(1);
        await OpenAsync(writer, "p-", 1, 5);
        using FrameConnection client = await server.ConnectAsync();

        (var first, var firstEnd) = await FetchAsync(client, FrameBytes.Fetch(1, 1, 100, maxWaitMs: 60_000));
        (var empty, var emptyEnd) = await FetchAsync(client, FrameBytes.Fetch(2, 1, 100, maxWaitMs: 200, filter: EventFilterKind.Stream, key: "account-nobody"));
        await client.SendAsync(FrameBytes.Fetch(3, firstEnd.Next, 100, maxWaitMs: 60_000));
        await client.SendAsync(FrameBytes.Ping(9));
        ulong pong = (await client.ReadRequiredFrameAsync()).AsNonce(); // the FETCH waits: nothing came before the PONG
        await OpenAsync(writer, "p-", 6, 1);
        var events = new List<ulong>();
        ReceivedFrame frame;
        while ((frame = await client.ReadRequiredFrameAsync()).Kind == FrameKind.Events)
        {
            events.AddRange(frame.AsEvents().Records.Select(r => r.Position));
        }

        Assert.Equal(Range(1, 5), first.Select(e => e.Position).ToList());
        Assert.Equal((ReadStatus.Ok, 6UL, 5UL), (firstEnd.Status, firstEnd.Next, firstEnd.HeadPosition));
        Assert.Empty(empty);
        Assert.Equal((ReadStatus.Ok, 6UL), (emptyEnd.Status, emptyEnd.Next));
        Assert.Equal(9UL, pong);
        Assert.Equal([6UL], events);
        Assert.Equal((3UL, ReadStatus.Ok, 7UL), (frame.AsReadEnd().RequestId, frame.AsReadEnd().Status, frame.AsReadEnd().Next));
    }

    [Fact(Timeout = 120_000)]
    public async Task ErrorTable_EveryRow_AnsweredAndTheServerServesOthersAfterwards()
    {
        await using InProcessServer server = await StartAsync();
        await using PipelineClient writer = await server.WriterAsync(1);
        await OpenAsync(writer, "e-", 1, 3000);
        using FrameConnection client = await server.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.End, 1_000_000, consumer: "held"));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (await client.ReadRequiredFrameAsync()).AsCaughtUp();
        async Task<(ulong SubscriptionId, SubscriptionEndStatus Status, ulong Next, string Message)> SubEnd(byte[] request)
        {
            await client.SendAsync(request);
            return (await client.ReadRequiredFrameAsync()).AsSubEnd();
        }

        var duplicate = await SubEnd(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 10));
        var creditUnknown = await SubEnd(FrameBytes.Credit(77, 10));
        var unsubscribeUnknown = await SubEnd(FrameBytes.Unsubscribe(78));
        var badFilter = await SubEnd(FrameBytes.Subscribe(2, SubscriptionStart.Beginning, 10, EventFilterKind.None, "x"));
        var badFrom = await SubEnd(FrameBytes.Subscribe(3, SubscriptionStart.End, 10, from: 5));
        var badName = await SubEnd(FrameBytes.Subscribe(4, SubscriptionStart.Beginning, 10, consumer: "no spaces"));
        var notFound = await SubEnd(FrameBytes.Subscribe(5, SubscriptionStart.Checkpoint, 10, consumer: "never-committed"));
        var overflow = await SubEnd(FrameBytes.Credit(1, 1));
        using FrameConnection other = await server.ConnectAsync();
        await client.SendAsync(FrameBytes.Subscribe(6, SubscriptionStart.End, 0, consumer: "held-2"));
        (await client.ReadRequiredFrameAsync()).AsSubscribed();
        (await client.ReadRequiredFrameAsync()).AsCaughtUp();
        await other.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 10, consumer: "held-2"));
        var busy = (await other.ReadRequiredFrameAsync()).AsSubEnd();

        Assert.Equal((1UL, SubscriptionEndStatus.DuplicateId, 0UL), (duplicate.SubscriptionId, duplicate.Status, duplicate.Next));
        Assert.Equal((77UL, SubscriptionEndStatus.NotFound), (creditUnknown.SubscriptionId, creditUnknown.Status));
        Assert.Equal((78UL, SubscriptionEndStatus.NotFound), (unsubscribeUnknown.SubscriptionId, unsubscribeUnknown.Status));
        Assert.Equal((SubscriptionEndStatus.BadRequest, "filter None takes no key; the key must be empty (it is 1 bytes)"), (badFilter.Status, badFilter.Message));
        Assert.Equal((SubscriptionEndStatus.BadRequest, "start End takes no from; it must be 0 (it is 5)"), (badFrom.Status, badFrom.Message));
        Assert.Equal((SubscriptionEndStatus.BadRequest, "the consumer name has byte 0x20 at offset 2; a name is ASCII letters, digits, '.', '_' and '-'"), (badName.Status, badName.Message));
        Assert.Equal((SubscriptionEndStatus.ConsumerNotFound, 0UL), (notFound.Status, notFound.Next));
        Assert.Equal((1UL, SubscriptionEndStatus.BadRequest, 3001UL), (overflow.SubscriptionId, overflow.Status, overflow.Next));
        Assert.Equal(SubscriptionEndStatus.ConsumerBusy, busy.Status);
        Assert.StartsWith("the consumer 'held-2' is held by a subscription of connection ", busy.Message, StringComparison.Ordinal);

        // A version 2 connection does not know SUBSCRIBE: ERROR UNKNOWN_KIND, and the server closes it.
        using (FrameConnection v2 = await server.ConnectAsync(version: 2))
        {
            await v2.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 10));
            (ErrorCode code, string message) = (await v2.ReadRequiredFrameAsync()).AsError();
            Assert.Equal((ErrorCode.UnknownKind, "unknown frame kind 0x06"), (code, message));
            Assert.Null(await v2.ReadFrameAsync());
        }

        // A client that leaves in the middle of a batch: its subscription ends, its consumer is free.
        FrameConnection leaving = await server.ConnectAsync();
        await leaving.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1_000_000, consumer: "leaver"));
        (await leaving.ReadRequiredFrameAsync()).AsSubscribed();
        (await leaving.ReadRequiredFrameAsync()).AsPush();
        leaving.Abort();

        // The server still serves: a publish, a new subscription by the leaver's consumer (once the server saw it leave), a fetch.
        await OpenAsync(writer, "e-", 3001, 1);
        FrameKind answer;
        do
        {
            await other.SendAsync(FrameBytes.Subscribe(9, SubscriptionStart.Beginning, 1_000_000, consumer: "leaver"));
            ReceivedFrame first = await other.ReadRequiredFrameAsync();
            answer = first.Kind == FrameKind.SubEnd && first.AsSubEnd().Status == SubscriptionEndStatus.ConsumerBusy ? FrameKind.SubEnd : first.Kind;
        }
        while (answer == FrameKind.SubEnd);

        (ReceivedFrame caughtUp, List<ulong> everything) = await ReadUntilAsync(other, FrameKind.CaughtUp, 9);
        Assert.Equal(FrameKind.Subscribed, answer);
        Assert.Equal(Range(1, 3001), everything);
        Assert.Equal(3001UL, caughtUp.AsCaughtUp().Position);
    }

    [Fact(Timeout = 120_000)]
    public async Task DurableConsumer_CommitRestartResume_StaleResetAndTheConsumersQuery()
    {
        await using InProcessServer server = await StartAsync();
        await using (PipelineClient writer = await server.WriterAsync(1))
        {
            await OpenAsync(writer, "d-", 1, 20);
        }

        using (FrameConnection client = await server.ConnectAsync())
        {
            await client.SendAsync(FrameBytes.Commit(1, 12, "balances"));
            Assert.Equal((1UL, ConsumerResultStatus.Ok, 12UL, ""), (await client.ReadRequiredFrameAsync()).AsConsumerResult());
            await client.SendAsync(FrameBytes.Commit(2, 15, "balances"));
            Assert.Equal((2UL, ConsumerResultStatus.Ok, 15UL, ""), (await client.ReadRequiredFrameAsync()).AsConsumerResult());
            await client.SendAsync(FrameBytes.Commit(3, 21, "balances"));
            var above = (await client.ReadRequiredFrameAsync()).AsConsumerResult();
            Assert.Equal((ConsumerResultStatus.BadRequest, "position 21 is above the visible head 20"), (above.Status, above.Message));
            await client.SendAsync(FrameBytes.Commit(4, 1, "bad name"));
            Assert.Equal(ConsumerResultStatus.BadRequest, (await client.ReadRequiredFrameAsync()).AsConsumerResult().Status);
        }

        await server.RestartAsync();
        using FrameConnection holder = await server.ConnectAsync();
        await holder.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Checkpoint, 1000, consumer: "balances"));
        SubscribedFrame resumed = (await holder.ReadRequiredFrameAsync()).AsSubscribed();
        (_, List<ulong> afterCheckpoint) = await ReadUntilAsync(holder, FrameKind.CaughtUp);
        await holder.SendAsync(FrameBytes.Commit(5, 10, "balances"));
        var stale = (await holder.ReadRequiredFrameAsync()).AsConsumerResult();

        using FrameConnection admin = await server.ConnectAsync(version: 1);
        await admin.SendAsync(FrameBytes.Query(1, "pipeline.consumers", 0, "{}"));
        var listed = (await admin.ReadRequiredFrameAsync()).AsResult();
        await admin.SendAsync(FrameBytes.Query(2, "pipeline.consumers", 0, """{"consumer": "nobody"}"""));
        var unknown = (await admin.ReadRequiredFrameAsync()).AsResult();
        await admin.SendAsync(FrameBytes.Query(3, "pipeline.nothing", 0, "{}"));
        var unknownQuery = (await admin.ReadRequiredFrameAsync()).AsResult();

        using FrameConnection operatorConnection = await server.ConnectAsync();
        await operatorConnection.SendAsync(FrameBytes.ConsumerAdmin(1, ConsumerOperation.Reset, 3, "balances"));
        var reset = (await operatorConnection.ReadRequiredFrameAsync()).AsConsumerResult();
        var ended = (await holder.ReadRequiredFrameAsync()).AsSubEnd();
        await holder.SendAsync(FrameBytes.Subscribe(2, SubscriptionStart.Checkpoint, 1000, consumer: "balances"));
        SubscribedFrame afterReset = (await holder.ReadRequiredFrameAsync()).AsSubscribed();
        await operatorConnection.SendAsync(FrameBytes.ConsumerAdmin(2, ConsumerOperation.Delete, 0, "balances"));
        var deleted = (await operatorConnection.ReadRequiredFrameAsync()).AsConsumerResult();
        (ReceivedFrame endedAgain, _) = await ReadUntilAsync(holder, FrameKind.SubEnd);
        await operatorConnection.SendAsync(FrameBytes.ConsumerAdmin(3, ConsumerOperation.Delete, 0, "balances"));
        var deletedAgain = (await operatorConnection.ReadRequiredFrameAsync()).AsConsumerResult();
        await operatorConnection.SendAsync(FrameBytes.ConsumerAdmin(4, ConsumerOperation.Delete, 42, "balances"));
        var deleteWithPosition = (await operatorConnection.ReadRequiredFrameAsync()).AsConsumerResult();
        await operatorConnection.SendAsync(FrameBytes.ConsumerAdmin(5, ConsumerOperation.Reset, 21, "balances"));
        var resetAboveHead = (await operatorConnection.ReadRequiredFrameAsync()).AsConsumerResult();

        Assert.Equal(new SubscribedFrame(1, 16, 20), resumed);
        Assert.Equal(Range(16, 20), afterCheckpoint);
        Assert.Equal((5UL, ConsumerResultStatus.Stale, 15UL), (stale.RequestId, stale.Status, stale.Position));
        Assert.Equal(ResultStatus.Ok, listed.Status);
        using (JsonDocument json = JsonDocument.Parse(listed.Body))
        {
            JsonElement root = json.RootElement;
            Assert.Equal(20, root.GetProperty("head").GetInt64());
            JsonElement balances = Assert.Single(root.GetProperty("consumers").EnumerateArray());
            Assert.Equal("balances", balances.GetProperty("consumer").GetString());
            Assert.Equal((15L, 5L, 2L, true), (balances.GetProperty("position").GetInt64(), balances.GetProperty("lag").GetInt64(), balances.GetProperty("commits").GetInt64(), balances.GetProperty("subscribed").GetBoolean()));
            DateTime updatedAt = DateTime.Parse(balances.GetProperty("updatedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            Assert.Equal(DateTimeKind.Utc, updatedAt.Kind);
            Assert.InRange(DateTime.UtcNow - updatedAt, TimeSpan.Zero, TimeSpan.FromMinutes(5));
            Assert.EndsWith("Z", balances.GetProperty("updatedAt").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(ResultStatus.NotFound, unknown.Status);
        Assert.Equal(ResultStatus.BadRequest, unknownQuery.Status);
        Assert.Equal((1UL, ConsumerResultStatus.Ok, 3UL), (reset.RequestId, reset.Status, reset.Position));
        Assert.Equal((1UL, SubscriptionEndStatus.Reset, 21UL), (ended.SubscriptionId, ended.Status, ended.Next));
        Assert.Equal(4UL, afterReset.Start);
        Assert.Equal((ConsumerResultStatus.Ok, 0UL), (deleted.Status, deleted.Position));
        Assert.Equal((2UL, SubscriptionEndStatus.Reset), (endedAgain.AsSubEnd().SubscriptionId, endedAgain.AsSubEnd().Status));
        Assert.Equal(ConsumerResultStatus.NotFound, deletedAgain.Status);
        Assert.Equal((ConsumerResultStatus.BadRequest, "operation Delete takes no position; it must be 0 (it is 42)"), (deleteWithPosition.Status, deleteWithPosition.Message));
        Assert.Equal((ConsumerResultStatus.BadRequest, "position 21 is above the visible head 20"), (resetAboveHead.Status, resetAboveHead.Message));
    }

    [Fact(Timeout = 120_000)]
    public async Task DotNetClient_DurableSubscribeWithASmallWindowThenCommit_SeesEverythingAndTheConsumerIsListed()
    {
        await using InProcessServer server = await StartAsync();
        await using PipelineClient writer = await server.WriterAsync(1);
        await OpenAsync(writer, "n-", 1, 100);
        await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = server.Port, ProtocolVersion = FrameHeader.ConsumerProtocolVersion, ClientName = "durable" });
        var options = new Pipeline.Client.SubscriptionOptions { Consumer = "projection", Credits = 8, Filter = new EventFilter(EventFilterKind.TypePrefix, 0, "ledger."u8) };
        var positions = new List<ulong>();
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await foreach (SubscriptionItem item in client.SubscribeAsync(options, done.Token))
        {
            if (item.Kind == SubscriptionItemKind.Event)
            {
                positions.Add(item.Position);
            }
            else if (item.Kind == SubscriptionItemKind.CaughtUp)
            {
                await OpenAsync(writer, "n-", 101, 5);
            }

            if (positions.Count == 105)
            {
                break;
            }
        }

        CommitResult commit = await client.CommitAsync("projection", positions[^1]);
        IReadOnlyList<ConsumerInfo> consumers = await client.ListConsumersAsync();

        Assert.Equal(Range(1, 105), positions);
        Assert.Equal((ConsumerResultStatus.Ok, 105UL), (commit.Status, commit.Position));
        ConsumerInfo projection = Assert.Single(consumers);
        Assert.Equal(("projection", 105UL, 0UL, 1L), (projection.Name, projection.Position, projection.Lag, projection.Commits));
    }

    [Fact(Timeout = 120_000)]
    public async Task EventStoreOff_VersionThreeRequests_NotSupported()
    {
        await using InProcessServer server = await StartAsync(("Pipeline:EventStore:Enabled", "false"));
        using FrameConnection client = await server.ConnectAsync();

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 10));
        var subscribe = (await client.ReadRequiredFrameAsync()).AsSubEnd();
        await client.SendAsync(FrameBytes.Fetch(2, 1, 10));
        var fetch = (await client.ReadRequiredFrameAsync()).AsReadEnd();
        await client.SendAsync(FrameBytes.Commit(3, 1, "c"));
        var commit = (await client.ReadRequiredFrameAsync()).AsConsumerResult();
        await client.SendAsync(FrameBytes.ConsumerAdmin(4, ConsumerOperation.Reset, 0, "c"));
        var admin = (await client.ReadRequiredFrameAsync()).AsConsumerResult();

        Assert.Equal(SubscriptionEndStatus.NotSupported, subscribe.Status);
        Assert.Equal(ReadStatus.NotSupported, fetch.Status);
        Assert.Equal(ConsumerResultStatus.NotSupported, commit.Status);
        Assert.Equal(ConsumerResultStatus.NotSupported, admin.Status);
    }
}

/// <summary>
/// The consumer tests load both cores (full-speed writers, 80,000 events to a stalled and a live subscriber): they run
/// alone, so that the crash tests' timing (a kill right after the last ACK) is not theirs to disturb.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsumerTestsCollection
{
    public const string Name = "Consumer tests (not in parallel)";
}
