using System;
using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class ProgramTests
{
    [Fact]
    public void ParseCommandLine_NoOutOutsideTheRepository_ExitsTwoAskingForOut()
    {
        using var temp = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int? exitCode = Program.ParseCommandLine(["load", "--mode", "closed"], temp.Path, output, error, out _);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: no --out given and no Pipeline.sln in " + temp.Path, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("give --out DIR", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public void ParseCommandLine_OutOutsideTheRepository_GoesOnToTheRun()
    {
        using var temp = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int? exitCode = Program.ParseCommandLine(["load", "--mode", "closed", "--out", "results"], temp.Path, output, error, out LoadGenOptions options);

        Assert.Null(exitCode);
        Assert.Equal("results", options.OutDirectory);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void ParseCommandLine_HelpOutsideTheRepository_PrintsTheUsageAndExitsZero()
    {
        using var temp = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int? exitCode = Program.ParseCommandLine(["--help"], temp.Path, output, error, out _);

        Assert.Equal(0, exitCode);
        Assert.Contains("perf/results/loadgen/", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }
}
