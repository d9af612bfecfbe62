using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Client.Tests;

/// <summary>Subscriptions (protocol version 3) against a scripted server: frames out, items in, credits, ends, reconnects.</summary>
public sealed class PipelineClientSubscribeTests
{
    private static PipelineClientOptions Options(int port, bool autoReconnect = false, ushort version = 3) => new()
    {
        Port = port,
        ClientName = "subscribe-tests",
        ProtocolVersion = version,
        AutoReconnect = autoReconnect,
        ReconnectDelay = TimeSpan.FromMilliseconds(10),
        MaxReconnectAttempts = 100,
    };

    private static async Task<(PipelineClient Client, FrameConnection Connection)> ConnectAsync(ScriptedServer server, bool autoReconnect = false, ushort version = 3)
    {
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        PipelineClient client = await PipelineClient.ConnectAsync(Options(server.Port, autoReconnect, version)).WaitAsync(TestTimeouts.Default);
        return (client, (await accepting).Connection);
    }

    private static async Task<SubscriptionItem> NextAsync(IAsyncEnumerator<SubscriptionItem> items)
    {
        Assert.True(await items.MoveNextAsync().AsTask().WaitAsync(TestTimeouts.Default), "the enumeration ended");
        return items.Current;
    }

    private static async Task<List<SubscriptionItem>> TakeAsync(IAsyncEnumerator<SubscriptionItem> items, int count)
    {
        var taken = new List<SubscriptionItem>();
        for (int i = 0; i < count; i++)
        {
            taken.Add(await NextAsync(items));
        }

        return taken;
    }

    private static string Describe(SubscriptionItem item) => item.Kind switch
    {
        SubscriptionItemKind.Event => $"E{item.Position}",
        SubscriptionItemKind.CaughtUp => $"C{item.Position}/{item.HeadPosition}",
        _ => $"H{item.Position}/{item.HeadPosition}",
    };

    [Fact]
    public async Task SubscribeAsync_Version2Connection_ThrowsSayingToAskForVersion3()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server, version: 2);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => client.SubscribeAsync(new SubscriptionOptions()));

        Assert.Contains("ProtocolVersion = 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeAsync_OptionsBreakingARule_ThrowsNamingTheRule()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;

        var fromWithoutStartAt = Assert.Throws<ArgumentException>(() => client.SubscribeAsync(new SubscriptionOptions { From = 5 }));
        var checkpointWithoutConsumer = Assert.Throws<ArgumentException>(() => client.SubscribeAsync(new SubscriptionOptions { Start = SubscriptionStart.Checkpoint }));
        var badName = Assert.Throws<ArgumentException>(() => client.SubscribeAsync(new SubscriptionOptions { Consumer = "has space" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.SubscribeAsync(new SubscriptionOptions { Credits = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.SubscribeAsync(new SubscriptionOptions { Credits = ConsumerLimits.MaxCredits + 1 }));

        Assert.Contains("StartAt", fromWithoutStartAt.Message, StringComparison.Ordinal);
        Assert.Contains("needs a Consumer", checkpointWithoutConsumer.Message, StringComparison.Ordinal);
        Assert.Contains("byte 0x20 at offset 3", badName.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeAsync_HistoryThenCaughtUpThenHeartbeat_YieldsEachInOrderWithEveryEventField()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        var options = new SubscriptionOptions { Filter = EventFilter.TypePrefix("ledger.") };
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(options).GetAsyncEnumerator();

        Task<SubscriptionItem> first = NextAsync(items);
        var subscribe = (await connection.ReadRequiredFrameAsync()).AsSubscribe();
        await connection.SendAsync(FrameBytes.Concat(
            ScriptedFrames.Subscribed(subscribe.Id, 1, 3), ScriptedFrames.Push(subscribe.Id, 1, 2), ScriptedFrames.Push(subscribe.Id, 3),
            ScriptedFrames.CaughtUp(subscribe.Id, 3), ScriptedFrames.Heartbeat(subscribe.Id, 9, 9)));
        List<SubscriptionItem> taken = [await first, .. await TakeAsync(items, 4)];

        Assert.Equal((SubscriptionStart.Beginning, 0UL, (uint)SubscriptionOptions.DefaultCredits, EventFilterKind.TypePrefix, 0UL, "ledger.", ""),
            (subscribe.Start, subscribe.From, subscribe.Credits, subscribe.Filter, subscribe.ProducerId, subscribe.Key, subscribe.Consumer));
        Assert.Equal(["E1", "E2", "E3", "C3/3", "H9/9"], taken.Select(Describe));
        StoredEvent e = taken[1].Event!;
        Assert.Equal((2UL, 20UL, 1002L, 7UL, "s-2", 2UL, "t.e", (ushort)1), (e.Position, e.CommandSequence, e.TimestampTicks, e.ProducerId, e.Stream, e.StreamVersion, e.Type, e.SchemaVersion));
        Assert.Equal("{\"n\":2}", Encoding.UTF8.GetString(e.Payload.Span));
        Assert.Null(taken[1].HeadPosition);
        Assert.Null(taken[3].Event);
    }

    [Fact]
    public async Task SubscribeAsync_CallerTakesEvents_GrantsWhatItTookAtEveryHalfWindowAndUnsubscribesWhenItStops()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        var frames = new List<ReceivedFrame>();

        await using (IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Start = SubscriptionStart.StartAt, From = 10, Credits = 4 }).GetAsyncEnumerator())
        {
            Task<SubscriptionItem> first = NextAsync(items);
            frames.Add(await connection.ReadRequiredFrameAsync());
            ulong id = frames[0].AsSubscribe().Id;
            await connection.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(id, 10, 20), ScriptedFrames.Push(id, 10, 11, 12, 13)));
            await first;
            await NextAsync(items); // the second event: half the window taken
            frames.Add(await connection.ReadRequiredFrameAsync());
            await connection.SendAsync(ScriptedFrames.Push(id, 14, 15));
            await TakeAsync(items, 3); // 12, 13: the next half; 14
        }

        frames.Add(await connection.ReadRequiredFrameAsync());
        frames.Add(await connection.ReadRequiredFrameAsync());

        var subscribe = frames[0].AsSubscribe();
        Assert.Equal((SubscriptionStart.StartAt, 10UL, 4U), (subscribe.Start, subscribe.From, subscribe.Credits));
        Assert.Equal((subscribe.Id, 2U), frames[1].AsCredit());
        Assert.Equal((subscribe.Id, 2U), frames[2].AsCredit());
        Assert.Equal(subscribe.Id, frames[3].AsUnsubscribe());
    }

    [Fact]
    public async Task SubscribeAsync_ServerSendsMoreEventsThanCredits_EndsThatSubscriptionWithAnErrorAndUnsubscribes()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Credits = 2 }).GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        ulong id = (await connection.ReadRequiredFrameAsync()).AsSubscribe().Id;
        await connection.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(id, 1, 5), ScriptedFrames.Push(id, 1, 2, 3)));
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => first.WaitAsync(TestTimeouts.Default));
        ReceivedFrame unsubscribe = await connection.ReadRequiredFrameAsync();

        Assert.Contains("3 events with 2 credits", error.Message, StringComparison.Ordinal);
        Assert.Equal(id, unsubscribe.AsUnsubscribe());
    }

    [Theory]
    [InlineData(SubscriptionEndStatus.BadRequest)]
    [InlineData(SubscriptionEndStatus.DuplicateId)]
    [InlineData(SubscriptionEndStatus.ConsumerBusy)]
    [InlineData(SubscriptionEndStatus.NotSupported)]
    [InlineData(SubscriptionEndStatus.StoreError)]
    [InlineData(SubscriptionEndStatus.Reset)]
    [InlineData(SubscriptionEndStatus.TooMany)]
    [InlineData(SubscriptionEndStatus.TooLarge)]
    public async Task SubscribeAsync_SubEndOtherThanUnsubscribed_ThrowsCarryingStatusNextAndMessageAfterTheEventsBeforeIt(SubscriptionEndStatus status)
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Consumer = "c-1", Start = SubscriptionStart.Checkpoint }).GetAsyncEnumerator();

        Task<SubscriptionItem> first = NextAsync(items);
        ulong id = (await connection.ReadRequiredFrameAsync()).AsSubscribe().Id;
        await connection.SendAsync(FrameBytes.Concat(
            ScriptedFrames.Subscribed(id, 4, 9), ScriptedFrames.Push(id, 4, 5), ScriptedFrames.SubEnd(id, SubscriptionEndStatus.NotFound, 0, "an old id"),
            ScriptedFrames.SubEnd(id, status, 6, "what happened")));
        List<SubscriptionItem> before = [await first, await NextAsync(items)];
        SubscriptionEndedException error = await Assert.ThrowsAsync<SubscriptionEndedException>(() => items.MoveNextAsync().AsTask().WaitAsync(TestTimeouts.Default));

        Assert.Equal(["E4", "E5"], before.Select(Describe));
        Assert.Equal((status, 6UL, "what happened"), (error.Status, error.Next, error.ServerMessage));
        Assert.Contains(status.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeAsync_SubEndUnsubscribed_EndsTheEnumerationNormallyWithoutAnotherUnsubscribe()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        var taken = new List<SubscriptionItem>();

        Task consuming = Task.Run(async () =>
        {
            await foreach (SubscriptionItem item in client.SubscribeAsync(new SubscriptionOptions { Start = SubscriptionStart.End }))
            {
                taken.Add(item);
            }
        });
        var subscribe = (await connection.ReadRequiredFrameAsync()).AsSubscribe();
        await connection.SendAsync(FrameBytes.Concat(
            ScriptedFrames.Subscribed(subscribe.Id, 8, 7), ScriptedFrames.Push(subscribe.Id, 8), ScriptedFrames.SubEnd(subscribe.Id, SubscriptionEndStatus.Unsubscribed, 9)));
        await consuming.WaitAsync(TestTimeouts.Default);
        _ = client.PingAsync();
        ReceivedFrame next = await connection.ReadRequiredFrameAsync();

        Assert.Equal(SubscriptionStart.End, subscribe.Start);
        Assert.Equal(["E8"], taken.Select(Describe));
        Assert.Equal(FrameKind.Ping, next.Kind); // no UNSUBSCRIBE for a subscription the server ended
    }

    [Theory]
    [InlineData(SubscriptionStart.Beginning, 0UL)]
    [InlineData(SubscriptionStart.StartAt, 7UL)]
    [InlineData(SubscriptionStart.End, 0UL)]
    public async Task SubscribeAsync_ConsumerWithoutCheckpoint_AsksCheckpointThenFallsBackToTheCallersStartStillNamingTheConsumer(SubscriptionStart start, ulong from)
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Consumer = "balances", Start = start, From = from }).GetAsyncEnumerator();

        Task<SubscriptionItem> first = NextAsync(items);
        var checkpoint = (await connection.ReadRequiredFrameAsync()).AsSubscribe();
        await connection.SendAsync(ScriptedFrames.SubEnd(checkpoint.Id, SubscriptionEndStatus.ConsumerNotFound, 0, "the consumer balances has no checkpoint"));
        var fallback = (await connection.ReadRequiredFrameAsync()).AsSubscribe();
        await connection.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(fallback.Id, 7, 7), ScriptedFrames.Push(fallback.Id, 7)));
        SubscriptionItem item = await first;

        Assert.Equal((SubscriptionStart.Checkpoint, 0UL, "balances"), (checkpoint.Start, checkpoint.From, checkpoint.Consumer));
        Assert.Equal((checkpoint.Id, start, from, "balances"), (fallback.Id, fallback.Start, fallback.From, fallback.Consumer));
        Assert.Equal("E7", Describe(item));
    }

    [Fact]
    public async Task SubscribeAsync_StartCheckpointAndNoCheckpoint_ThrowsConsumerNotFoundWithoutFallingBack()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Consumer = "balances", Start = SubscriptionStart.Checkpoint }).GetAsyncEnumerator();

        Task<bool> first = items.MoveNextAsync().AsTask();
        ulong id = (await connection.ReadRequiredFrameAsync()).AsSubscribe().Id;
        await connection.SendAsync(ScriptedFrames.SubEnd(id, SubscriptionEndStatus.ConsumerNotFound, 0, "no checkpoint"));
        SubscriptionEndedException error = await Assert.ThrowsAsync<SubscriptionEndedException>(() => first.WaitAsync(TestTimeouts.Default));

        Assert.Equal(SubscriptionEndStatus.ConsumerNotFound, error.Status);
    }

    [Fact]
    public async Task SubscribeAsync_ConnectionDropsMidStream_ResumesAfterTheLastItemTakenWithoutGapOrDuplicateAndCaughtUpOnce()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection first) = await ConnectAsync(server, autoReconnect: true);
        await using PipelineClient lease = client;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Credits = 4 }).GetAsyncEnumerator();

        Task<SubscriptionItem> firstItem = NextAsync(items);
        var subscribe = (await first.ReadRequiredFrameAsync()).AsSubscribe();
        await first.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(subscribe.Id, 1, 3), ScriptedFrames.Push(subscribe.Id, 1, 2, 3), ScriptedFrames.CaughtUp(subscribe.Id, 3)));
        List<SubscriptionItem> beforeDrop = [await firstItem, .. await TakeAsync(items, 3)];
        var credit = (await first.ReadRequiredFrameAsync()).AsCredit();

        // Position 4 reaches the client (or not) but the caller does not take it before the connection drops.
        await first.SendAsync(ScriptedFrames.Push(subscribe.Id, 4));
        first.Abort();
        (FrameConnection second, ulong _) = await server.AcceptHelloAsync();
        using FrameConnection lease2 = second;
        var resumed = (await second.ReadRequiredFrameAsync()).AsSubscribe();
        await second.SendAsync(FrameBytes.Concat(
            ScriptedFrames.Subscribed(resumed.Id, 4, 5), ScriptedFrames.Push(resumed.Id, 4, 5), ScriptedFrames.CaughtUp(resumed.Id, 5), ScriptedFrames.Heartbeat(resumed.Id, 6, 6)));
        List<SubscriptionItem> afterDrop = await TakeAsync(items, 3);
        var creditAfter = (await second.ReadRequiredFrameAsync()).AsCredit();

        Assert.Equal(["E1", "E2", "E3", "C3/3"], beforeDrop.Select(Describe));
        Assert.Equal((subscribe.Id, 2U), credit);
        Assert.Equal((subscribe.Id, SubscriptionStart.StartAt, 4UL, 4U, ""), (resumed.Id, resumed.Start, resumed.From, resumed.Credits, resumed.Consumer));
        Assert.Equal(["E4", "E5", "H6/6"], afterDrop.Select(Describe));
        Assert.Equal((subscribe.Id, 2U), creditAfter);
        Assert.Equal(1, client.Reconnects);
    }

    [Fact]
    public async Task SubscribeAsync_DurableConsumerAndTheConnectionDrops_ResumesStartAtAfterTheLastEventStillNamingTheConsumer()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection first) = await ConnectAsync(server, autoReconnect: true);
        await using PipelineClient lease = client;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Consumer = "balances", Filter = EventFilter.Producer(7) }).GetAsyncEnumerator();

        Task<SubscriptionItem> firstItem = NextAsync(items);
        var subscribe = (await first.ReadRequiredFrameAsync()).AsSubscribe();
        await first.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(subscribe.Id, 11, 20), ScriptedFrames.Push(subscribe.Id, 11, 14)));
        SubscriptionItem taken = await firstItem;
        first.Abort();
        (FrameConnection second, ulong _) = await server.AcceptHelloAsync();
        using FrameConnection lease2 = second;
        var resumed = (await second.ReadRequiredFrameAsync()).AsSubscribe();
        await second.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(resumed.Id, 12, 20), ScriptedFrames.Push(resumed.Id, 14, 17)));
        List<SubscriptionItem> afterDrop = await TakeAsync(items, 2);

        Assert.Equal((SubscriptionStart.Checkpoint, "balances", EventFilterKind.Producer, 7UL), (subscribe.Start, subscribe.Consumer, subscribe.Filter, subscribe.ProducerId));
        Assert.Equal("E11", Describe(taken));
        Assert.Equal((SubscriptionStart.StartAt, 12UL, "balances", EventFilterKind.Producer, 7UL), (resumed.Start, resumed.From, resumed.Consumer, resumed.Filter, resumed.ProducerId));
        Assert.Equal(["E14", "E17"], afterDrop.Select(Describe));
    }

    [Fact]
    public async Task SubscribeAsync_DurableConsumerResumesWhileTheServerStillHoldsItForTheOldConnection_AsksAgainAndGoesOn()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection first) = await ConnectAsync(server, autoReconnect: true);
        await using PipelineClient lease = client;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Consumer = "balances" }).GetAsyncEnumerator();

        Task<SubscriptionItem> firstItem = NextAsync(items);
        var subscribe = (await first.ReadRequiredFrameAsync()).AsSubscribe();
        await first.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(subscribe.Id, 5, 9), ScriptedFrames.Push(subscribe.Id, 5)));
        Assert.Equal("E5", Describe(await firstItem));
        first.Abort();
        (FrameConnection second, ulong _) = await server.AcceptHelloAsync();
        using FrameConnection lease2 = second;
        var refused = (await second.ReadRequiredFrameAsync()).AsSubscribe();
        await second.SendAsync(ScriptedFrames.SubEnd(refused.Id, SubscriptionEndStatus.ConsumerBusy, 0, "the consumer 'balances' is held by a subscription of connection 1"));
        var again = (await second.ReadRequiredFrameAsync()).AsSubscribe();
        await second.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(again.Id, 6, 9), ScriptedFrames.Push(again.Id, 6)));

        Assert.Equal((SubscriptionStart.StartAt, 6UL, "balances"), (refused.Start, refused.From, refused.Consumer));
        Assert.Equal((SubscriptionStart.StartAt, 6UL, "balances"), (again.Start, again.From, again.Consumer));
        Assert.Equal("E6", Describe(await NextAsync(items)));
    }

    [Fact]
    public async Task SubscribeAsync_ConnectionDropsBeforeAnyItemWasTaken_ResumesWhereTheServerStarted()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection first) = await ConnectAsync(server, autoReconnect: true);
        await using PipelineClient lease = client;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions { Start = SubscriptionStart.End }).GetAsyncEnumerator();

        Task<SubscriptionItem> firstItem = NextAsync(items);
        var subscribe = (await first.ReadRequiredFrameAsync()).AsSubscribe();
        await first.SendAsync(ScriptedFrames.Subscribed(subscribe.Id, 31, 30));
        Task pong = client.PingAsync(); // answered after SUBSCRIBED: once it completes, the client has seen SUBSCRIBED
        ulong nonce = (await first.ReadRequiredFrameAsync()).AsNonce();
        await first.SendAsync(w => FrameWriter.WritePong(w, nonce));
        await pong.WaitAsync(TestTimeouts.Default);
        first.Abort();
        (FrameConnection second, ulong _) = await server.AcceptHelloAsync();
        using FrameConnection lease2 = second;
        ReceivedFrame frame = await second.ReadRequiredFrameAsync();
        var resumed = frame.AsSubscribe();
        await second.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(resumed.Id, 31, 32), ScriptedFrames.Push(resumed.Id, 31)));

        Assert.Equal((SubscriptionStart.StartAt, 31UL), (resumed.Start, resumed.From));
        Assert.Equal("E31", Describe(await firstItem));
    }

    [Fact]
    public async Task SubscribeAsync_ConnectionDropsWithoutAutoReconnect_ThrowsAfterTheBufferedItems()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions()).GetAsyncEnumerator();

        Task<SubscriptionItem> first = NextAsync(items);
        ulong id = (await connection.ReadRequiredFrameAsync()).AsSubscribe().Id;
        await connection.SendAsync(FrameBytes.Concat(ScriptedFrames.Subscribed(id, 1, 2), ScriptedFrames.Push(id, 1, 2)));
        await first;
        connection.Dispose();
        SubscriptionItem second = await NextAsync(items);

        await Assert.ThrowsAsync<InvalidOperationException>(() => items.MoveNextAsync().AsTask().WaitAsync(TestTimeouts.Default));
        Assert.Equal("E2", Describe(second));
    }

    [Fact]
    public async Task SubscribeAsync_TwoSubscriptionsOnOneConnection_EachGetsItsOwnItemsAndASlowOneDoesNotStallTheOther()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        await using IAsyncEnumerator<SubscriptionItem> slow = client.SubscribeAsync(new SubscriptionOptions { Credits = 2 }).GetAsyncEnumerator();
        await using IAsyncEnumerator<SubscriptionItem> fast = client.SubscribeAsync(new SubscriptionOptions { Credits = 2, Filter = EventFilter.Stream("s-1") }).GetAsyncEnumerator();

        Task<SubscriptionItem> slowFirst = NextAsync(slow);
        ulong slowId = (await connection.ReadRequiredFrameAsync()).AsSubscribe().Id;
        Task<SubscriptionItem> fastFirst = NextAsync(fast);
        var fastSubscribe = (await connection.ReadRequiredFrameAsync()).AsSubscribe();
        await connection.SendAsync(FrameBytes.Concat(
            ScriptedFrames.Subscribed(slowId, 1, 9), ScriptedFrames.Push(slowId, 1, 2),
            ScriptedFrames.Subscribed(fastSubscribe.Id, 1, 9), ScriptedFrames.Push(fastSubscribe.Id, 1, 4)));
        List<SubscriptionItem> fastItems = [await fastFirst, await NextAsync(fast)];
        await connection.SendAsync(ScriptedFrames.Push(fastSubscribe.Id, 7));
        fastItems.Add(await NextAsync(fast));

        Assert.NotEqual(slowId, fastSubscribe.Id);
        Assert.Equal((EventFilterKind.Stream, "s-1"), (fastSubscribe.Filter, fastSubscribe.Key));
        Assert.Equal(["E1", "E4", "E7"], fastItems.Select(Describe));
        Assert.Equal("E1", Describe(await slowFirst));
    }

    [Fact]
    public async Task SubscribeAsync_CancelledWhileWaiting_ThrowsAndUnsubscribes()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        using var cancel = new System.Threading.CancellationTokenSource();
        await using IAsyncEnumerator<SubscriptionItem> items = client.SubscribeAsync(new SubscriptionOptions(), cancel.Token).GetAsyncEnumerator();

        Task<bool> waiting = items.MoveNextAsync().AsTask();
        ulong id = (await connection.ReadRequiredFrameAsync()).AsSubscribe().Id;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeouts.Default));
        ReceivedFrame unsubscribe = await connection.ReadRequiredFrameAsync();

        Assert.Equal(id, unsubscribe.AsUnsubscribe());
    }
}
