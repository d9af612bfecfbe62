using System.IO;
using Pipeline.Server.Cli;
using Xunit;

namespace Pipeline.Server.Tests;

public sealed class CliArgumentsTests
{
    [Fact]
    public void Parse_NoOptions_DataFolderDefaultsToData()
    {
        CliArguments args = CliArguments.Parse(["journal", "verify"], 2);

        Assert.Equal("data", args.DataDirectory);
        Assert.Equal(Path.Combine("data", "journal"), args.JournalDirectory);
        Assert.Equal(Path.Combine("data", "snapshots"), args.SnapshotDirectory);
    }

    [Fact]
    public void Parse_ValueAfterASpaceOrAnEqualsSign_BothRead()
    {
        CliArguments args = CliArguments.Parse(["journal", "dump", "--from", "7", "--count=3", "--data=/srv/p"], 2, "from", "count");

        Assert.Equal(7, args.GetLong("from"));
        Assert.Equal(3, args.GetLong("count"));
        Assert.Equal("/srv/p", args.DataDirectory);
    }

    [Fact]
    public void Parse_Flag_TakesNoValueAndTheNextArgumentIsParsedOnItsOwn()
    {
        CliArguments args = CliArguments.Parse(["replay", "--verify", "--data", "d"], 1, "verify?");

        Assert.True(args.HasFlag("verify"));
        Assert.Equal("d", args.DataDirectory);
    }

    [Fact]
    public void Parse_SameOptionTwice_TheLastWins()
    {
        CliArguments args = CliArguments.Parse(["journal", "truncate", "--after", "5", "--after", "9"], 2, "after");

        Assert.Equal(9, args.GetLong("after"));
    }

    [Fact]
    public void GetLong_OptionAbsent_ReturnsTheDefaultOrThrowsWhenThereIsNone()
    {
        CliArguments args = CliArguments.Parse(["journal", "dump"], 2, "from", "count");

        long withDefault = args.GetLong("count", 20);

        Assert.Equal(20, withDefault);
        CliException thrown = Assert.Throws<CliException>(() => args.GetLong("from"));
        Assert.Equal("--from is required.", thrown.Message);
    }
}
