using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;
using static Pipeline.Ingest.Tests.SubscriptionTestStore;

namespace Pipeline.Ingest.Tests;

/// <summary>FETCH served from a real event log: filters, budgets, `next`, and the long poll.</summary>
public sealed class FetchServiceTests
{
    private static async Task<(List<ulong> Positions, (ulong RequestId, ReadStatus Status, ulong Next, ulong HeadPosition, uint EventCount, string Message) End)> AnswerAsync(FrameConnection client)
    {
        var positions = new List<ulong>();
        while (true)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.ReadEnd)
            {
                return (positions, frame.AsReadEnd());
            }

            positions.AddRange(frame.AsEvents().Records.Select(r => r.Position));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Fetch_VisibleEvents_AnswersAtOnceUpToMaxCount()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(30);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Fetch(1, 0, 10, maxWaitMs: 60_000));
        var answer = await AnswerAsync(client);

        Assert.Equal(Range(1, 10), answer.Positions);
        Assert.Equal((1UL, ReadStatus.Ok, 11UL, 30UL, 10U, ""), answer.End);
    }

    [Fact(Timeout = 30_000)]
    public async Task Fetch_Filtered_NextIsTheFirstPositionNotConsidered()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(30);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Fetch(2, 5, 3, filter: EventFilterKind.Stream, key: "s-1"));
        var some = await AnswerAsync(client);
        await client.SendAsync(FrameBytes.Fetch(3, 20, 100, filter: EventFilterKind.Producer, producerId: 3));
        var producer = await AnswerAsync(client);
        await client.SendAsync(FrameBytes.Fetch(4, 1, 100, filter: EventFilterKind.TypePrefix, key: "none"));
        var none = await AnswerAsync(client);

        Assert.Equal([7UL, 10, 13], some.Positions);
        Assert.Equal((ReadStatus.Ok, 16UL), (some.End.Status, some.End.Next)); // 14 and 15 were considered: they did not match
        Assert.Equal([23UL, 27], producer.Positions);
        Assert.Equal((ReadStatus.Ok, 31UL), (producer.End.Status, producer.End.Next));
        Assert.Empty(none.Positions);
        Assert.Equal((ReadStatus.Ok, 31UL, 30UL), (none.End.Status, none.End.Next, none.End.HeadPosition));
    }

    [Fact(Timeout = 30_000)]
    public async Task Fetch_MaxBytes_FirstEventAlwaysThenWithinTheBudget()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(5, payloadBytes: 100); // 165-byte records
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Fetch(5, 1, 100, maxBytes: 10));
        var one = await AnswerAsync(client);
        await client.SendAsync(FrameBytes.Fetch(6, 2, 100, maxBytes: 400));
        var two = await AnswerAsync(client);

        Assert.Equal([1UL], one.Positions);
        Assert.Equal((ReadStatus.Ok, 2UL), (one.End.Status, one.End.Next));
        Assert.Equal([2UL, 3], two.Positions);
        Assert.Equal((ReadStatus.Ok, 4UL), (two.End.Status, two.End.Next));
    }

    [Fact(Timeout = 30_000)]
    public async Task Fetch_LongPoll_AnsweredWhenAMatchingEventArrives()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(10);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Fetch(7, 11, 100, maxWaitMs: 20_000, filter: EventFilterKind.Stream, key: "s-2"));
        await client.SendAsync(FrameBytes.Ping(1));
        ulong pong = (await client.ReadRequiredFrameAsync()).AsNonce(); // the FETCH is waiting: nothing came before the PONG
        store.Append(1); // 11: s-2
        var answer = await AnswerAsync(client);

        Assert.Equal(1UL, pong);
        Assert.Equal([11UL], answer.Positions);
        Assert.Equal((ReadStatus.Ok, 12UL, 11UL), (answer.End.Status, answer.End.Next, answer.End.HeadPosition));
    }

    [Fact(Timeout = 30_000)]
    public async Task Fetch_LongPollWithoutMatch_EmptyOkAfterMaxWait()
    {
        await using var store = new SubscriptionTestStore();
        store.Append(10);
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Fetch(8, 1, 100, maxWaitMs: 200, filter: EventFilterKind.Stream, key: "nobody"));
        var answer = await AnswerAsync(client);

        Assert.Empty(answer.Positions);
        Assert.Equal((8UL, ReadStatus.Ok, 11UL, 10UL, 0U, ""), answer.End);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(0U, 1U, 0U, "max_count 0 is outside 1..10000")]
    [InlineData(10U, 0U, 0U, "max_bytes 0 is outside 1..16777216")]
    [InlineData(10U, 10U, 60_001U, "max_wait_ms 60001 is outside 0..60000")]
    public async Task Fetch_OutOfRange_BadRequest(uint maxCount, uint maxBytes, uint maxWaitMs, string message)
    {
        await using var store = new SubscriptionTestStore();
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(FrameBytes.Fetch(9, 1, maxCount, maxBytes, maxWaitMs));
        var answer = await AnswerAsync(client);

        Assert.Equal((ReadStatus.BadRequest, message), (answer.End.Status, answer.End.Message));
    }
}
