using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Pipeline.Peers.Systems;
using StackExchange.Redis;
using Xunit;

namespace Pipeline.Peers.Tests;

public sealed class RedisStreamEntriesTests
{
    private static readonly PeerEvent s_event = new("account-acc-12", "ledger.deposited", Encoding.UTF8.GetBytes("{\"amount\":5}"), Timestamp: 1_234_567_890_123L);

    [Fact]
    public void Fields_OfAnEvent_AreTypeDataAndTimestamp()
    {
        NameValueEntry[] fields = RedisStreamEntries.Fields(s_event);

        Assert.Equal(["type", "data", "t"], fields.Select(f => (string?)f.Name));
        Assert.Equal("ledger.deposited", (string?)fields[0].Value);
        Assert.Equal("{\"amount\":5}", (string?)fields[1].Value);
        Assert.Equal("1234567890123", (string?)fields[2].Value);
    }

    [Fact]
    public void FeedFields_OfAnEvent_StartWithItsStream()
    {
        NameValueEntry[] fields = RedisStreamEntries.FeedFields(s_event);

        Assert.Equal(["stream", "type", "data", "t"], fields.Select(f => (string?)f.Name));
        Assert.Equal("account-acc-12", (string?)fields[0].Value);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1_234_567_890_123L)]
    [InlineData(long.MaxValue)]
    public void TryGetTimestamp_OnWhatFieldsWrote_ReturnsTheEventsTimestamp(long sent)
    {
        RedisValue[] stored = Flatten(RedisStreamEntries.Fields(s_event with { Timestamp = sent }));

        bool found = RedisStreamEntries.TryGetTimestamp(stored, out long timestamp);

        Assert.True(found);
        Assert.Equal(sent, timestamp);
    }

    [Fact]
    public void TryGetTimestamp_OnFeedFields_ReturnsTheEventsTimestamp()
    {
        RedisValue[] stored = Flatten(RedisStreamEntries.FeedFields(s_event));

        bool found = RedisStreamEntries.TryGetTimestamp(stored, out long timestamp);

        Assert.True(found);
        Assert.Equal(s_event.Timestamp, timestamp);
    }

    [Fact]
    public void TryGetTimestamp_WhenTheFieldIsMissing_ReturnsFalse()
    {
        RedisValue[] stored = ["type", "ledger.opened", "data", "{}"];

        bool found = RedisStreamEntries.TryGetTimestamp(stored, out _);

        Assert.False(found);
    }

    [Theory]
    [InlineData("12.5")]
    [InlineData("twelve")]
    [InlineData("")]
    public void TryGetTimestamp_WhenTheValueIsNotAnInteger_ReturnsFalse(string value)
    {
        RedisValue[] stored = ["type", "ledger.opened", "t", value];

        bool found = RedisStreamEntries.TryGetTimestamp(stored, out _);

        Assert.False(found);
    }

    [Fact]
    public void TryGetTimestamp_WhenAValueIsNamedT_ReadsOnlyTheField()
    {
        // "t" as the value of another field (odd position) is not the field.
        RedisValue[] stored = ["type", "t", "t", "7"];

        bool found = RedisStreamEntries.TryGetTimestamp(stored, out long timestamp);

        Assert.True(found);
        Assert.Equal(7, timestamp);
    }

    [Fact]
    public void ReadFeedReply_Resp2Array_CallsOnEventPerEntryInOrderAndReturnsTheLastId()
    {
        RedisResult reply = RedisResult.Create([RedisResult.Create([Key(), Entries(("5-0", 10), ("5-1", 11), ("6-0", 12))])]);
        var seen = new List<long>();

        RedisValue last = RedisStreamEntries.ReadFeedReply(reply, "4-0", seen.Add);

        Assert.Equal([10L, 11L, 12L], seen);
        Assert.Equal("6-0", (string?)last);
    }

    [Fact]
    public void ReadFeedReply_Resp3Map_CallsOnEventPerEntryInOrderAndReturnsTheLastId()
    {
        RedisResult reply = RedisResult.Create([Key(), Entries(("5-0", 10), ("5-1", 11))], ResultType.Map);
        var seen = new List<long>();

        RedisValue last = RedisStreamEntries.ReadFeedReply(reply, "4-0", seen.Add);

        Assert.Equal(ResultType.Map, reply.Resp3Type);
        Assert.Equal([10L, 11L], seen);
        Assert.Equal("5-1", (string?)last);
    }

    [Fact]
    public void ReadFeedReply_WhenTheBlockTimedOut_ReturnsTheIdItWasGivenWithoutCalls()
    {
        RedisResult reply = RedisResult.Create(RedisValue.Null);
        var seen = new List<long>();

        RedisValue last = RedisStreamEntries.ReadFeedReply(reply, "4-0", seen.Add);

        Assert.True(reply.IsNull);
        Assert.Empty(seen);
        Assert.Equal("4-0", (string?)last);
    }

    [Fact]
    public void ReadFeedReply_WhenAnEntryHasNoTimestamp_ThrowsFormatException()
    {
        RedisResult entry = RedisResult.Create([RedisResult.Create((RedisValue)"5-0"), RedisResult.Create(new RedisValue[] { "type", "ledger.opened" })]);
        RedisResult reply = RedisResult.Create([RedisResult.Create([Key(), RedisResult.Create([entry])])]);

        var ex = Assert.Throws<FormatException>(() => RedisStreamEntries.ReadFeedReply(reply, "4-0", _ => { }));

        Assert.Contains("5-0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_AnEntryId_IsTheExclusiveStartOfTheNextPage()
    {
        RedisValue next = RedisStreamEntries.After("1700000000000-3");

        Assert.Equal("(1700000000000-3", (string?)next);
    }

    private static RedisValue[] Flatten(NameValueEntry[] fields) => [.. fields.SelectMany(f => new[] { f.Name, f.Value })];

    private static RedisResult Key() => RedisResult.Create((RedisKey)RedisPeer.FeedKey);

    private static RedisResult Entries(params (string Id, long Timestamp)[] entries) =>
        RedisResult.Create([.. entries.Select(e => RedisResult.Create(
        [
            RedisResult.Create((RedisValue)e.Id),
            RedisResult.Create(Flatten(RedisStreamEntries.FeedFields(s_event with { Timestamp = e.Timestamp }))),
        ]))]);
}
