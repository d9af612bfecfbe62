using System;
using System.Text;
using Xunit;

namespace Pipeline.Protocol.Tests;

// The BAD_REQUEST rules of the version 3 error table that the frame alone can break; each message names the field and the value.
public sealed partial class ConsumerClientFramesTests
{
    private static byte[] Bytes(int length, char fill = 'k') => Encoding.ASCII.GetBytes(new string(fill, length));

    public static TheoryData<string, SubscriptionStart, ulong, uint, EventFilterKind, ulong, byte[], byte[], string> SubscribeBadRequests => new()
    {
        { "credits above the maximum", SubscriptionStart.Beginning, 0, ConsumerLimits.MaxCredits + 1, EventFilterKind.None, 0, [], [], "credits 1000001 is outside 0..1000000" },
        { "credits u32 max", SubscriptionStart.Beginning, 0, uint.MaxValue, EventFilterKind.None, 0, [], [], "credits 4294967295" },
        { "from with BEGINNING", SubscriptionStart.Beginning, 5, 1, EventFilterKind.None, 0, [], [], "start Beginning takes no from; it must be 0 (it is 5)" },
        { "from with END", SubscriptionStart.End, 1, 1, EventFilterKind.None, 0, [], [], "start End takes no from" },
        { "from with CHECKPOINT", SubscriptionStart.Checkpoint, 1, 1, EventFilterKind.None, 0, [], Bytes(3), "start Checkpoint takes no from" },
        { "key with NONE", SubscriptionStart.Beginning, 0, 1, EventFilterKind.None, 0, Bytes(2), [], "filter None takes no key; the key must be empty (it is 2 bytes)" },
        { "key with PRODUCER", SubscriptionStart.Beginning, 0, 1, EventFilterKind.Producer, 4, Bytes(1), [], "filter Producer takes no key" },
        { "producer id with NONE", SubscriptionStart.Beginning, 0, 1, EventFilterKind.None, 4, [], [], "filter None takes no producer id; it must be 0 (it is 4)" },
        { "producer id with STREAM", SubscriptionStart.Beginning, 0, 1, EventFilterKind.Stream, 4, Bytes(1), [], "filter Stream takes no producer id" },
        { "producer id with TYPE_PREFIX", SubscriptionStart.Beginning, 0, 1, EventFilterKind.TypePrefix, 4, Bytes(1), [], "filter TypePrefix takes no producer id" },
        { "STREAM without a key", SubscriptionStart.Beginning, 0, 1, EventFilterKind.Stream, 0, [], [], "the stream id of filter Stream is 0 bytes; it must be 1..255" },
        { "STREAM_PREFIX without a key", SubscriptionStart.Beginning, 0, 1, EventFilterKind.StreamPrefix, 0, [], [], "the stream prefix of filter StreamPrefix is 0 bytes" },
        { "TYPE_PREFIX without a key", SubscriptionStart.Beginning, 0, 1, EventFilterKind.TypePrefix, 0, [], [], "the type prefix of filter TypePrefix is 0 bytes" },
        { "STREAM key of 256 bytes", SubscriptionStart.Beginning, 0, 1, EventFilterKind.Stream, 0, Bytes(256), [], "the stream id of filter Stream is 256 bytes; it must be 1..255" },
        { "TYPE_PREFIX key of 256 bytes", SubscriptionStart.Beginning, 0, 1, EventFilterKind.TypePrefix, 0, Bytes(256), [], "is 256 bytes" },
        { "consumer of 129 bytes", SubscriptionStart.Beginning, 0, 1, EventFilterKind.None, 0, [], Bytes(129), "the consumer name is 129 bytes; it must be 1..128" },
        { "consumer with a space", SubscriptionStart.Beginning, 0, 1, EventFilterKind.None, 0, [], "a b"u8.ToArray(), "the consumer name has byte 0x20 at offset 1" },
        { "consumer with a slash", SubscriptionStart.Beginning, 0, 1, EventFilterKind.None, 0, [], "a/b"u8.ToArray(), "byte 0x2F at offset 1" },
        { "consumer not ASCII", SubscriptionStart.Beginning, 0, 1, EventFilterKind.None, 0, [], "é"u8.ToArray(), "byte 0xC3 at offset 0" },
        { "CHECKPOINT without a consumer", SubscriptionStart.Checkpoint, 0, 1, EventFilterKind.None, 0, [], [], "start Checkpoint needs a consumer name" },
    };

    [Theory]
    [MemberData(nameof(SubscribeBadRequests))]
    public void SubscribeTryValidate_BrokenRule_ReturnsFalseWithAMessageNamingTheFieldAndValue(string what, SubscriptionStart start, ulong from, uint credits, EventFilterKind filter, ulong producerId, byte[] key, byte[] consumer, string expected)
    {
        var frame = new SubscribeFrame(1, start, from, credits, filter, producerId, key, consumer);

        bool valid = frame.TryValidate(out string? error);

        Assert.False(valid, what);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    public static TheoryData<SubscriptionStart, ulong, uint, EventFilterKind, ulong, byte[], byte[]> SubscribeAtTheBounds => new()
    {
        { SubscriptionStart.Beginning, 0, 0, EventFilterKind.None, 0, [], [] },
        { SubscriptionStart.StartAt, ulong.MaxValue, ConsumerLimits.MaxCredits, EventFilterKind.Stream, 0, Bytes(255), Bytes(128, 'c') },
        { SubscriptionStart.StartAt, 0, 1, EventFilterKind.StreamPrefix, 0, Bytes(1), Bytes(1, 'c') },
        { SubscriptionStart.End, 0, 1, EventFilterKind.Producer, 0, [], [] },
        { SubscriptionStart.Checkpoint, 0, 1, EventFilterKind.Producer, ulong.MaxValue, [], "azAZ09._-"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(SubscribeAtTheBounds))]
    public void SubscribeTryValidate_FieldsAtTheBounds_ReturnsTrue(SubscriptionStart start, ulong from, uint credits, EventFilterKind filter, ulong producerId, byte[] key, byte[] consumer)
    {
        var frame = new SubscribeFrame(1, start, from, credits, filter, producerId, key, consumer);

        bool valid = frame.TryValidate(out string? error);

        Assert.True(valid, error);
        Assert.Null(error);
    }

    [Theory]
    [InlineData(0U, "credits 0 is outside 1..1000000")]
    [InlineData(ConsumerLimits.MaxCredits + 1U, "credits 1000001 is outside 1..1000000")]
    [InlineData(uint.MaxValue, "credits 4294967295 is outside 1..1000000")]
    public void CreditTryValidate_ZeroOrAboveTheMaximum_ReturnsFalseWithTheMessage(uint credits, string expected)
    {
        var frame = new CreditFrame(1, credits);

        bool valid = frame.TryValidate(out string? error);

        Assert.False(valid);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(1U)]
    [InlineData((uint)ConsumerLimits.MaxCredits)]
    public void CreditTryValidate_AtTheBounds_ReturnsTrue(uint credits)
    {
        var frame = new CreditFrame(1, credits);

        bool valid = frame.TryValidate(out string? error);

        Assert.True(valid, error);
    }

    public static TheoryData<string, uint, uint, uint, EventFilterKind, ulong, byte[], string> FetchBadRequests => new()
    {
        { "max_count 0", 0, 1, 0, EventFilterKind.None, 0, [], "max_count 0 is outside 1..10000" },
        { "max_count above", ConsumerLimits.MaxFetchCount + 1, 1, 0, EventFilterKind.None, 0, [], "max_count 10001 is outside 1..10000" },
        { "max_bytes 0", 1, 0, 0, EventFilterKind.None, 0, [], "max_bytes 0 is outside 1..16777216" },
        { "max_bytes above", 1, ConsumerLimits.MaxFetchBytes + 1, 0, EventFilterKind.None, 0, [], "max_bytes 16777217 is outside 1..16777216" },
        { "max_wait_ms above", 1, 1, ConsumerLimits.MaxFetchWaitMs + 1, EventFilterKind.None, 0, [], "max_wait_ms 60001 is outside 0..60000" },
        { "max_wait_ms u32 max", 1, 1, uint.MaxValue, EventFilterKind.None, 0, [], "max_wait_ms 4294967295" },
        { "STREAM without a key", 1, 1, 0, EventFilterKind.Stream, 0, [], "the stream id of filter Stream is 0 bytes" },
        { "STREAM_PREFIX key of 256 bytes", 1, 1, 0, EventFilterKind.StreamPrefix, 0, Bytes(256), "the stream prefix of filter StreamPrefix is 256 bytes" },
        { "key with NONE", 1, 1, 0, EventFilterKind.None, 0, Bytes(1), "filter None takes no key" },
        { "key with PRODUCER", 1, 1, 0, EventFilterKind.Producer, 1, Bytes(1), "filter Producer takes no key" },
        { "producer id with STREAM_PREFIX", 1, 1, 0, EventFilterKind.StreamPrefix, 1, Bytes(1), "filter StreamPrefix takes no producer id; it must be 0 (it is 1)" },
    };

    [Theory]
    [MemberData(nameof(FetchBadRequests))]
    public void FetchTryValidate_BrokenRule_ReturnsFalseWithAMessageNamingTheFieldAndValue(string what, uint maxCount, uint maxBytes, uint maxWaitMs, EventFilterKind filter, ulong producerId, byte[] key, string expected)
    {
        var frame = new FetchFrame(1, 0, maxCount, maxBytes, maxWaitMs, filter, producerId, key);

        bool valid = frame.TryValidate(out string? error);

        Assert.False(valid, what);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void FetchTryValidate_EveryLimitAtItsBound_ReturnsTrue()
    {
        var low = new FetchFrame(1, 0, 1, 1, 0, EventFilterKind.None, 0, default);
        var high = new FetchFrame(1, ulong.MaxValue, ConsumerLimits.MaxFetchCount, ConsumerLimits.MaxFetchBytes, ConsumerLimits.MaxFetchWaitMs, EventFilterKind.TypePrefix, 0, Bytes(255));

        Assert.True(low.TryValidate(out string? error), error);
        Assert.True(high.TryValidate(out error), error);
    }

    public static TheoryData<string, byte[], string> BadConsumerNames => new()
    {
        { "empty", [], "the consumer name is 0 bytes; it must be 1..128" },
        { "129 bytes", Bytes(129), "the consumer name is 129 bytes; it must be 1..128" },
        { "a colon", "a:b"u8.ToArray(), "the consumer name has byte 0x3A at offset 1; a name is ASCII letters, digits, '.', '_' and '-'" },
        { "a NUL", [0x61, 0x00], "byte 0x00 at offset 1" },
        { "non-ASCII", "bål"u8.ToArray(), "byte 0xC3 at offset 1" },
    };

    [Theory]
    [MemberData(nameof(BadConsumerNames))]
    public void CommitAndConsumerAdminTryValidate_BadConsumerName_ReturnFalseWithTheMessage(string what, byte[] name, string expected)
    {
        var commit = new CommitFrame(1, 1, name);
        var reset = new ConsumerAdminFrame(1, ConsumerOperation.Reset, 1, name);
        var delete = new ConsumerAdminFrame(1, ConsumerOperation.Delete, 0, name);

        Assert.False(commit.TryValidate(out string? error), what);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(reset.TryValidate(out error), what);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(delete.TryValidate(out error), what);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(ConsumerLimits.IsValidConsumerName(name), what);
    }

    [Fact]
    public void ConsumerAdminTryValidate_DeleteWithAPosition_ReturnsFalseNamingThePosition()
    {
        var frame = new ConsumerAdminFrame(1, ConsumerOperation.Delete, 42, "balances"u8);

        bool valid = frame.TryValidate(out string? error);

        Assert.False(valid);
        Assert.Equal("operation Delete takes no position; it must be 0 (it is 42)", error);
    }

    [Fact]
    public void ConsumerLimits_NamesAtTheBounds_AreValid()
    {
        byte[] longest = Bytes(ConsumerLimits.MaxConsumerNameBytes, 'Z');

        Assert.True(ConsumerLimits.IsValidConsumerName("a"u8));
        Assert.True(ConsumerLimits.IsValidConsumerName(longest));
        Assert.True(ConsumerLimits.IsValidConsumerName("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"u8));
        Assert.True(ConsumerLimits.TryValidateConsumerName(longest, out string? error), error);
    }
}
