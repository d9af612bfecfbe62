using System;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class CpuTimesTests
{
    // The shape of this VM's /proc/stat: the aggregate line (two spaces after "cpu"), one line per CPU, then the rest.
    private const string RealLooking =
        "cpu  2515775 2717 645909 8649772 91001 0 88046 10606 300 7\n" +
        "cpu0 1266689 1238 288935 4405796 12392 0 31771 4552 150 3\n" +
        "cpu1 1249085 1479 356973 4243975 78609 0 56275 6053 150 4\n" +
        "intr 181234567 34 9 0 0 0 0 0 0 0 0\n" +
        "ctxt 412345678\n" +
        "btime 1764200000\n" +
        "processes 123456\n" +
        "procs_running 3\n" +
        "procs_blocked 0\n" +
        "softirq 98765432 0 1234 5 678 9 0 10 11 0 12\n";

    [Fact]
    public void TryParse_RealLookingFile_SumsBusyIdleAndStealWithoutGuestAndCountsTheCpus()
    {
        Assert.True(CpuTimes.TryParse(RealLooking, out CpuTimes times));

        Assert.Equal(2515775L + 2717 + 645909 + 0 + 88046, times.BusyTicks); // guest 300 and guest_nice 7 are inside user/nice already
        Assert.Equal(8649772L + 91001, times.IdleTicks);
        Assert.Equal(10606L, times.StealTicks);
        Assert.Equal(2, times.Cpus);
        Assert.Equal(times.BusyTicks + times.IdleTicks + times.StealTicks, times.TotalTicks);
    }

    [Fact]
    public void TryParse_CrLfLinesAndTrailingSpace_AreAccepted()
    {
        Assert.True(CpuTimes.TryParse("cpu  10 20 30 40 50 60 70 80 \r\ncpu0 10 20 30 40 50 60 70 80\r\n", out CpuTimes times));

        Assert.Equal(new CpuTimes(10 + 20 + 30 + 60 + 70, 40 + 50, 80, 1), times);
    }

    [Fact]
    public void TryParse_OnlyTheFirstFourFieldsAsOldKernelsGive_LeavesIowaitIrqSoftirqAndStealAtZero()
    {
        Assert.True(CpuTimes.TryParse("cpu  100 5 50 845\ncpu0 100 5 50 845\n", out CpuTimes times));

        Assert.Equal(new CpuTimes(155, 845, 0, 1), times);
    }

    [Fact]
    public void TryParse_SevenFieldsBeforeStealExisted_HasNoSteal()
    {
        Assert.True(CpuTimes.TryParse("cpu  1 2 3 4 5 6 7\ncpu0 1 2 3 4 5 6 7\ncpu1 0 0 0 0 0 0 0\n", out CpuTimes times));

        Assert.Equal(new CpuTimes(1 + 2 + 3 + 6 + 7, 4 + 5, 0, 2), times);
    }

    [Theory]
    [InlineData("cpu  100 5 50\ncpu0 100 5 50\n")] // too few fields
    [InlineData("cpu \ncpu0 1 2 3 4\n")] // no fields at all
    [InlineData("cpu  100 5 x50 845 0 0 0 0\n")] // not a number
    [InlineData("cpu  100 -5 50 845 0 0 0 0\n")] // a sign: ticks are never negative
    [InlineData("cpu  100 5 50 845.5 0 0 0 0\n")] // not a whole number
    [InlineData("cpu  100 5 50 99999999999999999999 0 0 0 0\n")] // past a long
    [InlineData("cpu0 100 5 50 845 0 0 0 0\nintr 1 2 3\n")] // no aggregate line
    [InlineData("cpu\t100 5 50 845 0 0 0 0\n")] // not the kernel's separator: no aggregate line
    [InlineData("cpu  1 2 3 4\ncpu  1 2 3 4\n")] // two aggregate lines: which one?
    [InlineData("")]
    public void TryParse_MalformedFile_FailsWithoutThrowing(string procStat)
    {
        Assert.False(CpuTimes.TryParse(procStat, out CpuTimes times));
        Assert.Equal(default, times);
    }

    [Fact]
    public void Between_TwoReadings_GivesEachPartsShareOfTheTicksThatPassed()
    {
        var start = new CpuTimes(BusyTicks: 1_000, IdleTicks: 5_000, StealTicks: 100, Cpus: 2);
        var end = new CpuTimes(BusyTicks: 1_000 + 610, IdleTicks: 5_000 + 312, StealTicks: 100 + 78, Cpus: 2);

        MachineCpuReport? report = CpuTimes.Between(start, end);

        Assert.Equal(new MachineCpuReport(61.0, 31.2, 7.8, 2), report);
    }

    [Fact]
    public void Between_SharesThatAreNotRound_AreRoundedToHundredths()
    {
        MachineCpuReport? report = CpuTimes.Between(new CpuTimes(0, 0, 0, 2), new CpuTimes(1, 1, 1, 2));

        Assert.Equal(new MachineCpuReport(33.33, 33.33, 33.33, 2), report);
    }

    [Fact]
    public void Between_NoTickPassed_IsNullRatherThanADivisionByZero()
    {
        var reading = new CpuTimes(1_000, 5_000, 100, 2);

        Assert.Null(CpuTimes.Between(reading, reading));
    }

    [Fact]
    public void Between_ACounterThatWentBack_CountsAsNoTimeSoTheSharesStillSumTo100()
    {
        // idle + iowait can step back on some kernels (iowait is documented as unreliable).
        var start = new CpuTimes(BusyTicks: 1_000, IdleTicks: 5_000, StealTicks: 100, Cpus: 2);
        var end = new CpuTimes(BusyTicks: 1_300, IdleTicks: 4_990, StealTicks: 200, Cpus: 2);

        MachineCpuReport? report = CpuTimes.Between(start, end);

        Assert.Equal(new MachineCpuReport(75.0, 0.0, 25.0, 2), report);
    }

    [Fact]
    public void Between_CpuCount_IsTheLaterReadings()
    {
        MachineCpuReport? report = CpuTimes.Between(new CpuTimes(0, 0, 0, 2), new CpuTimes(10, 10, 0, 4));

        Assert.Equal(4, report?.Cpus);
    }

    [Fact]
    public void Read_OnLinux_GivesAReadingOfThisMachineThatMovesForward()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(CpuTimes.Read()); // no /proc/stat elsewhere, by design
            return;
        }

        CpuTimes? first = CpuTimes.Read();

        Assert.NotNull(first);
        Assert.True(first.Value.TotalTicks > 0, first.ToString());
        Assert.True(first.Value.BusyTicks > 0 && first.Value.IdleTicks >= 0 && first.Value.StealTicks >= 0, first.ToString());
        Assert.InRange(first.Value.Cpus, 1, 4096);
        CpuTimes? second = CpuTimes.Read();
        Assert.NotNull(second);
        Assert.True(second.Value.TotalTicks >= first.Value.TotalTicks, $"{first} then {second}");
    }

    [Fact]
    public void Line_AReport_MatchesTheOtherLogLinesColumns()
    {
        Assert.Equal(
            "cpu     machine busy 61.2%, idle 31.0%, steal 7.8% of 2 CPUs during the measured part",
            MachineCpuReport.Line(new MachineCpuReport(61.23, 31.0, 7.77, 2)));
        Assert.StartsWith("cpu     ", MachineCpuReport.Line(null), StringComparison.Ordinal);
    }
}
