using System;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class ServerWarningsTests
{
    [Fact]
    public void Take_ConsoleLoggerLines_KeepsEachWarningWithItsMessageAndSkipsInformation()
    {
        var warnings = new ServerWarnings(keep: 10);

        foreach (string line in new[]
        {
            "info: Pipeline.Hosting.Engine[3004]",
            "      Pipeline ready: data in /tmp/x",
            "warn: Pipeline.Hosting.Engine[3008]",
            "      2 journal commit(s) took 100 ms or more since the last such warning (longest 140.5 ms)",
            "fail: Pipeline.Ingest[2010]",
            "      socket failed",
        })
        {
            warnings.Take(line);
        }

        Assert.Equal(2, warnings.Count);
        Assert.Equal(
            [
                "warn: Pipeline.Hosting.Engine[3008] 2 journal commit(s) took 100 ms or more since the last such warning (longest 140.5 ms)",
                "fail: Pipeline.Ingest[2010] socket failed",
            ],
            warnings.First);
    }

    [Fact]
    public void Take_MoreWarningsThanKept_CountsThemAllAndKeepsTheFirst()
    {
        var warnings = new ServerWarnings(keep: 2);

        for (int i = 0; i < 5; i++)
        {
            warnings.Take("crit: Pipeline[1]");
            warnings.Take("      message " + i);
        }

        Assert.Equal(5, warnings.Count);
        Assert.Equal(["crit: Pipeline[1] message 0", "crit: Pipeline[1] message 1"], warnings.First);
    }

    [Fact]
    public void Take_AMessageThatLooksLikeAHeader_IsTakenAsTheMessage()
    {
        var warnings = new ServerWarnings(keep: 5);

        warnings.Take("warn: A[1]");
        warnings.Take("warn: this text is the message");

        Assert.Equal(1, warnings.Count);
        Assert.Equal(["warn: A[1] warn: this text is the message"], warnings.First);
    }

    [Fact]
    public void Constructor_NegativeKeep_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerWarnings(-1));
    }
}
