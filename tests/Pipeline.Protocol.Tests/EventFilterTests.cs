using System;
using Xunit;

namespace Pipeline.Protocol.Tests;

public sealed class EventFilterTests
{
    private static bool Matches(EventFilterKind kind, string key, string stream, string type = "ledger.deposited", ulong producerId = 0, ulong eventProducer = 7) =>
        new EventFilter(kind, producerId, System.Text.Encoding.UTF8.GetBytes(key)).Matches(System.Text.Encoding.UTF8.GetBytes(stream), System.Text.Encoding.UTF8.GetBytes(type), eventProducer);

    [Fact]
    public void Matches_None_MatchesEveryEventAndIsTheDefault()
    {
        EventFilter none = default;

        Assert.Equal(EventFilterKind.None, none.Kind);
        Assert.Equal(EventFilter.None, none);
        Assert.True(none.Matches("a"u8, "t"u8, 0));
        Assert.True(none.Matches(default, default, ulong.MaxValue));
    }

    [Theory]
    [InlineData("account-1", "account-1", true)]
    [InlineData("account-1", "account-10", false)]
    [InlineData("account-10", "account-1", false)]
    [InlineData("Account-1", "account-1", false)]
    [InlineData("account-é", "account-é", true)]
    public void Matches_Stream_MatchesTheWholeIdExactly(string key, string stream, bool expected)
    {
        bool matches = Matches(EventFilterKind.Stream, key, stream);

        Assert.Equal(expected, matches);
    }

    [Theory]
    [InlineData("account-", "account-1", true)]
    [InlineData("account-1", "account-1", true)]   // a key as long as the stream: the whole id
    [InlineData("account-12", "account-1", false)] // a key longer than the stream
    [InlineData("Account-", "account-1", false)]   // case-sensitive
    [InlineData("account-", "my-account-1", false)] // a prefix, not a substring
    [InlineData("a", "a", true)]
    public void Matches_StreamPrefix_MatchesStreamsThatStartWithTheKey(string key, string stream, bool expected)
    {
        bool matches = Matches(EventFilterKind.StreamPrefix, key, stream);

        Assert.Equal(expected, matches);
    }

    [Theory]
    [InlineData("ledger.", "ledger.deposited", true)]
    [InlineData("ledger.deposited", "ledger.deposited", true)]
    [InlineData("ledger.deposited.v2", "ledger.deposited", false)]
    [InlineData("Ledger.", "ledger.deposited", false)]
    [InlineData("ledger.", "ledger", false)]
    public void Matches_TypePrefix_MatchesTypesThatStartWithTheKeyWhateverTheStream(string key, string type, bool expected)
    {
        bool matches = Matches(EventFilterKind.TypePrefix, key, "ledger.deposited-is-not-the-stream", type);

        Assert.Equal(expected, matches);
    }

    [Fact]
    public void Matches_StreamPrefix_LooksAtTheStreamNotTheType()
    {
        bool matches = Matches(EventFilterKind.StreamPrefix, "ledger.", "account-1", "ledger.deposited");

        Assert.False(matches);
    }

    [Theory]
    [InlineData(7UL, 7UL, true)]
    [InlineData(7UL, 8UL, false)]
    [InlineData(0UL, 0UL, true)]   // 0 matches anonymous producers' events
    [InlineData(0UL, 7UL, false)]
    public void Matches_Producer_MatchesTheProducerIdExactly(ulong filterProducer, ulong eventProducer, bool expected)
    {
        bool matches = Matches(EventFilterKind.Producer, string.Empty, "s", producerId: filterProducer, eventProducer: eventProducer);

        Assert.Equal(expected, matches);
    }

    [Theory]
    [InlineData(EventFilterKind.Stream, 0UL, 0)]
    [InlineData(EventFilterKind.StreamPrefix, 0UL, 256)]
    [InlineData(EventFilterKind.TypePrefix, 0UL, 0)]
    [InlineData(EventFilterKind.None, 0UL, 1)]
    [InlineData(EventFilterKind.None, 1UL, 0)]
    [InlineData(EventFilterKind.Producer, 1UL, 1)]
    [InlineData(EventFilterKind.Stream, 1UL, 1)]
    public void Constructor_BrokenRule_ThrowsWithTheValidationMessage(EventFilterKind kind, ulong producerId, int keyBytes)
    {
        byte[] key = new byte[keyBytes];
        Assert.False(EventFilter.TryValidate(kind, producerId, key, out string? error));

        ArgumentException thrown = Assert.Throws<ArgumentException>(() => new EventFilter(kind, producerId, key));

        Assert.StartsWith(error!, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CopiesTheKey_SoTheReceiveBufferCanBeReused()
    {
        byte[] buffer = "acc-"u8.ToArray();
        var filter = new EventFilter(EventFilterKind.StreamPrefix, 0, buffer);

        buffer[0] = (byte)'x';

        Assert.Equal("acc-"u8.ToArray(), filter.Key.ToArray());
        Assert.True(filter.Matches("acc-1"u8, "t"u8, 0));
    }

    [Fact]
    public void Equals_SameKindProducerAndKeyBytes_AreEqual()
    {
        var a = new EventFilter(EventFilterKind.TypePrefix, 0, "ledger."u8);
        var b = new EventFilter(EventFilterKind.TypePrefix, 0, "ledger."u8);
        var c = new EventFilter(EventFilterKind.StreamPrefix, 0, "ledger."u8);

        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != c);
        Assert.NotEqual(new EventFilter(EventFilterKind.Producer, 1, default), new EventFilter(EventFilterKind.Producer, 2, default));
    }

    [Fact]
    public void Factories_EachKind_EqualTheFilterBuiltFromTheFrameFields()
    {
        Assert.Equal(new EventFilter(EventFilterKind.Stream, 0, "account-a-1"u8), EventFilter.Stream("account-a-1"));
        Assert.Equal(new EventFilter(EventFilterKind.StreamPrefix, 0, "account-"u8), EventFilter.StreamPrefix("account-"));
        Assert.Equal(new EventFilter(EventFilterKind.TypePrefix, 0, "ledger."u8), EventFilter.TypePrefix("ledger."));
        Assert.Equal(new EventFilter(EventFilterKind.Producer, 9, default), EventFilter.Producer(9));
        Assert.Equal(EventFilterKind.Producer, EventFilter.Producer(0).Kind);
    }

    [Fact]
    public void Factories_EmptyOrOversizedOrNullKey_Throw()
    {
        ArgumentException empty = Assert.Throws<ArgumentException>(() => EventFilter.TypePrefix(""));
        ArgumentException oversized = Assert.Throws<ArgumentException>(() => EventFilter.Stream(new string('s', 256)));
        Assert.Throws<ArgumentNullException>(() => EventFilter.StreamPrefix(null!));

        Assert.Contains("the type prefix of filter TypePrefix is 0 bytes", empty.Message, StringComparison.Ordinal);
        Assert.Contains("is 256 bytes; it must be 1..255", oversized.Message, StringComparison.Ordinal);
        Assert.Equal("prefix", empty.ParamName);
    }
}
