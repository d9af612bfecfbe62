using System;
using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Streams.Samples.Tests;

public sealed class WindowAverageSampleTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _clock = new(s_start);
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    [Fact]
    public void OnLine_ScriptedInput_PrintsEachWindowAsArrivalsCloseIt()
    {
        WindowAverageSample sample = Create();

        At(1, () => sample.OnLine("1 2 3"));
        At(6, () => sample.OnLine("4"));
        At(11, () => sample.OnLine("5, 6"));

        // 12:00:11 closes [11:59:55, 12:00:05) holding 1 2 3, and [12:00:00, 12:00:10) holding 1 2 3 4.
        Assert.Equal(
            "[11:59:55.000, 12:00:05.000) count=3 average=2\n" +
            "[12:00:00.000, 12:00:10.000) count=4 average=2.5\n",
            Printed());
        Assert.True(sample.IsWaitingForTime);
    }

    [Fact]
    public void OnIdle_DuringAnIdleGap_ClosesTheRemainingWindowsOnTime()
    {
        WindowAverageSample sample = Create();
        At(1, () => sample.OnLine("1 2 3"));
        At(6, () => sample.OnLine("4"));

        At(9, sample.OnIdle);
        string beforeFirstEnd = Printed();
        At(10, sample.OnIdle);
        At(14, sample.OnIdle);
        At(15, sample.OnIdle);

        Assert.Equal("[11:59:55.000, 12:00:05.000) count=3 average=2\n", beforeFirstEnd);
        Assert.Equal(
            "[11:59:55.000, 12:00:05.000) count=3 average=2\n" +
            "[12:00:00.000, 12:00:10.000) count=4 average=2.5\n" +
            "[12:00:05.000, 12:00:15.000) count=1 average=4\n",
            Printed());
        Assert.False(sample.IsWaitingForTime);
    }

    [Fact]
    public void OnLine_AfterAnIdlePeriodLongerThanTheWindow_StartsFreshWindows()
    {
        WindowAverageSample sample = Create();
        At(1, () => sample.OnLine("10"));
        At(60, sample.OnIdle);

        At(61, () => sample.OnLine("20 x"));
        At(70, sample.OnIdle);

        Assert.Equal(
            "[11:59:55.000, 12:00:05.000) count=1 average=10\n" +
            "[12:00:00.000, 12:00:10.000) count=1 average=10\n" +
            "[12:00:55.000, 12:01:05.000) count=1 average=20\n" +
            "[12:01:00.000, 12:01:10.000) count=1 average=20\n",
            Printed());
        Assert.Contains("skipped token 'x'", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void IsWaitingForTime_BeforeAnyNumber_IsFalse()
    {
        WindowAverageSample sample = Create();

        At(1, () => sample.OnLine("  "));

        Assert.False(sample.IsWaitingForTime);
        Assert.Equal("", Printed());
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
    }

    private WindowAverageSample Create() =>
        new(new NumberSource(_clock, _error), _output, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

    private void At(int seconds, Action action)
    {
        _clock.SetUtcNow(s_start.AddSeconds(seconds));
        action();
    }

    private string Printed() => _output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
}
