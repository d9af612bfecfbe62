using System;
using Xunit;

namespace Pipeline.Streams.Samples.Tests;

public sealed class SampleOptionsTests
{
    [Fact]
    public void TryParse_WindowAverageWithAllOptions_ReadsThem()
    {
        SampleOptions? options = SampleOptions.TryParse(["window-average", "--port", "9000", "--size", "2m", "--slide", "500ms"], out string? error);

        Assert.Null(error);
        Assert.NotNull(options);
        Assert.Equal("window-average", options.Mode);
        Assert.Equal(9000, options.Port);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Size);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Slide);
    }

    [Fact]
    public void TryParse_SumWithoutOptions_UsesTheDefaultPort()
    {
        SampleOptions? options = SampleOptions.TryParse(["sum"], out _);

        Assert.NotNull(options);
        Assert.Equal(SampleOptions.DefaultPort, options.Port);
    }

    [Fact]
    public void TryParse_LedgerWindows_DefaultsToTheServicesPort_AndTakesAHost()
    {
        SampleOptions? defaults = SampleOptions.TryParse(["ledger-windows"], out _);
        SampleOptions? given = SampleOptions.TryParse(["ledger-windows", "--host", "10.0.0.5", "--port", "7500"], out _);

        Assert.Equal(SampleOptions.LedgerServicePort, defaults!.Port);
        Assert.Equal("127.0.0.1", defaults.Host);
        Assert.Equal(("10.0.0.5", 7500), (given!.Host, given.Port));
    }

    [Theory]
    [InlineData("avg")]
    [InlineData("sum --host h")]
    [InlineData("ledger-windows --size 10s")]
    [InlineData("sum --size 10s")]
    [InlineData("sum --port")]
    [InlineData("sum --port 70000")]
    [InlineData("window-average --size 5s --slide 10s")]
    [InlineData("window-average --size 0s")]
    [InlineData("window-average --size 10")]
    public void TryParse_BadArguments_ReturnsAnError(string commandLine)
    {
        SampleOptions? options = SampleOptions.TryParse(commandLine.Split(' '), out string? error);

        Assert.Null(options);
        Assert.NotNull(error);
    }
}
