using System;
using Xunit;

namespace Pipeline.LoadGen.Tests;

/// <summary>The command line of the consumers stage: <c>load --subscribers N</c> and the <c>catchup</c> verb.</summary>
public sealed class SubscriberOptionsTests
{
    private static LoadGenOptions ParseOk(params string[] args)
    {
        bool ok = LoadGenOptions.TryParse(args, out LoadGenOptions options, out string? error);
        Assert.True(ok, error);
        return options;
    }

    private static string ParseError(params string[] args)
    {
        bool ok = LoadGenOptions.TryParse(args, out _, out string? error);
        Assert.False(ok);
        Assert.NotNull(error);
        return error;
    }

    [Fact]
    public void TryParse_ClosedLoopWithSubscribersOfThePerfScript_TakesEveryValue()
    {
        LoadGenOptions o = ParseOk("load", "--mode", "closed", "--window", "1024", "--batch", "64", "--subscribers", "100", "--durability", "Batch", "--out", "d");

        Assert.Equal(100, o.Subscribers);
        Assert.False(o.SubscribeFromStart);
        Assert.Equal(1024, o.Credits);
        Assert.Equal("closed-Batch-subs100", o.Name);
    }

    [Fact]
    public void TryParse_NoSubscribers_IsZeroAndTheNameIsAsBefore()
    {
        LoadGenOptions o = ParseOk("load", "--mode", "open", "--rate", "100k", "--out", "d");

        Assert.Equal(0, o.Subscribers);
        Assert.Equal("open-100000-Batch", o.Name);
        Assert.Equal("closed-Batch", ParseOk("load", "--mode", "closed", "--subscribers", "0", "--out", "d").Name);
    }

    [Theory]
    [InlineData("start", true)]
    [InlineData("END", false)]
    public void TryParse_SubscribeFromAndCredits_AreTaken(string from, bool fromStart)
    {
        LoadGenOptions o = ParseOk("load", "--rate", "100k", "--subscribers", "1", "--subscribe-from", from, "--credits", "8192", "--out", "d");

        Assert.Equal(fromStart, o.SubscribeFromStart);
        Assert.Equal(8192, o.Credits);
        Assert.Equal("open-100000-Batch-subs1", o.Name);
    }

    [Theory]
    [InlineData("--subscribers", "-1", "option --subscribers: '-1' is not a whole number from 0 to 1000")]
    [InlineData("--subscribers", "1001", "option --subscribers: '1001' is not a whole number from 0 to 1000")]
    [InlineData("--subscribers", "many", "option --subscribers: 'many' is not a whole number from 0 to 1000")]
    [InlineData("--subscribe-from", "middle", "option --subscribe-from: 'middle' is not end or start")]
    [InlineData("--credits", "0", "option --credits: '0' is not a whole number from 1 to 1000000")]
    [InlineData("--credits", "1000001", "option --credits: '1000001' is not a whole number from 1 to 1000000")]
    public void TryParse_BadSubscriberValue_NamesTheOptionTheValueAndTheRule(string option, string value, string expected)
    {
        Assert.Equal(expected, ParseError("load", "--mode", "closed", "--subscribers", "2", option, value));
    }

    [Fact]
    public void TryParse_SubscribeFromWithoutSubscribers_IsRefused()
    {
        Assert.Equal("option --subscribe-from applies only with --subscribers 1 or more", ParseError("load", "--mode", "closed", "--subscribe-from", "start"));
        Assert.Equal("option --subscribe-from applies only with --subscribers 1 or more", ParseError("load", "--mode", "closed", "--subscribers", "0", "--subscribe-from", "end"));
    }

    [Fact]
    public void TryParse_SubscriberOptionsOfOtherVerbs_AreRefused()
    {
        Assert.Equal("option --subscribers does not apply to the recovery verb", ParseError("recovery", "--subscribers", "1"));
        Assert.Equal("option --subscribers does not apply to the catchup verb", ParseError("catchup", "--subscribers", "1"));
        Assert.Equal("option --credits does not apply to the recovery verb", ParseError("recovery", "--credits", "10"));
        Assert.Equal("option --repeat does not apply to the load verb", ParseError("load", "--repeat", "3"));
        Assert.Equal("option --fetch does not apply to the recovery verb", ParseError("recovery", "--fetch", "true"));
    }

    [Fact]
    public void TryParse_CatchupCommandOfThePerfScript_TakesEveryValue()
    {
        LoadGenOptions o = ParseOk("catchup", "--events", "2M", "--repeat", "3", "--connections", "8", "--out", "d", "--name", "catchup-2M");

        Assert.Equal(LoadGenVerb.Catchup, o.Verb);
        Assert.Equal(2_000_000, o.Events);
        Assert.Equal(3, o.Repeat);
        Assert.Equal(LoadGenOptions.CatchupCredits, o.Credits);
        Assert.True(o.Fetch);
        Assert.Equal("Batch", o.Durability);
        Assert.Equal("catchup-2M", o.Name);
    }

    [Fact]
    public void TryParse_CatchupWithoutName_DerivesOneAndTakesCreditsFetchAndDurability()
    {
        LoadGenOptions o = ParseOk("catchup", "--events", "200k", "--credits", "65536", "--fetch", "false", "--durability", "None", "--out", "d");

        Assert.Equal("catchup-200000", o.Name);
        Assert.Equal(65_536, o.Credits);
        Assert.False(o.Fetch);
        Assert.Equal("None", o.Durability);
        Assert.Equal(50, o.StreamReads);
    }

    [Fact]
    public void TryParse_CatchupStreamReads_TakesACountOrZeroToSkip()
    {
        Assert.Equal(7, ParseOk("catchup", "--stream-reads", "7", "--out", "d").StreamReads);
        Assert.Equal(0, ParseOk("catchup", "--stream-reads", "0", "--out", "d").StreamReads);
    }

    [Theory]
    [InlineData("--repeat", "0", "option --repeat: '0' is not a whole number from 1 to 100")]
    [InlineData("--repeat", "101", "option --repeat: '101' is not a whole number from 1 to 100")]
    [InlineData("--fetch", "yes", "option --fetch: 'yes' is not true or false")]
    [InlineData("--events", "0", "option --events: '0' is not a positive whole number (e.g. 1000000, 1M)")]
    [InlineData("--stream-reads", "-1", "option --stream-reads: '-1' is not a whole number from 0 to 100000")]
    [InlineData("--mode", "closed", "option --mode does not apply to the catchup verb")]
    [InlineData("--snapshot", "true", "option --snapshot does not apply to the catchup verb")]
    public void TryParse_BadCatchupValue_IsRefusedWithTheRule(string option, string value, string expected)
    {
        Assert.Equal(expected, ParseError("catchup", option, value));
    }

    [Fact]
    public void Usage_NamesTheNewVerbAndOptions()
    {
        Assert.Contains("Pipeline.LoadGen catchup --events N", LoadGenOptions.Usage, StringComparison.Ordinal);
        Assert.Contains("--subscribers N", LoadGenOptions.Usage, StringComparison.Ordinal);
        Assert.Contains("--subscribe-from end|start", LoadGenOptions.Usage, StringComparison.Ordinal);
        Assert.Contains("unknown verb 'bench': expected load, recovery or catchup", ParseError("bench"), StringComparison.Ordinal);
    }
}
