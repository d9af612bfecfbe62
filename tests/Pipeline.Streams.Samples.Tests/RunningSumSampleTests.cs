using System;
using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Streams.Samples.Tests;

public sealed class RunningSumSampleTests
{
    [Fact]
    public void OnLine_Numbers_PrintsTheRunningSumAfterEachLine()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var sample = new RunningSumSample(new NumberSource(clock, error), output);

        sample.OnLine("1 2 3");
        sample.OnLine("4");
        sample.OnLine("");
        sample.OnLine("x 0.5, y");

        Assert.Equal("sum=6\nsum=10\nsum=10.5\n", output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal(
            "skipped tokens 'x' 'y' (not a finite number) in line: x 0.5, y\n",
            error.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.False(sample.IsWaitingForTime);
    }

    [Fact]
    public void OnLine_OnlyBadTokens_ReportsAndPrintsNoSum()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var sample = new RunningSumSample(new NumberSource(TimeProvider.System, error), output);

        sample.OnLine("oops");

        Assert.Equal("", output.ToString());
        Assert.Contains("skipped token 'oops'", error.ToString(), StringComparison.Ordinal);
    }
}
