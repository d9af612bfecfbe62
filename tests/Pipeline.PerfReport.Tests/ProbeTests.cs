using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class ProbeTests
{
    [Fact]
    public void DiskSyncProbe_FewSamples_ReportsOrderedPercentilesAndRemovesItsFile()
    {
        using var temp = new TempDirectory();

        DiskSyncResult result = DiskSyncProbe.Measure(temp.Path, samples: 5);

        Assert.Equal(5, result.Samples);
        Assert.Equal(4096, result.BlockBytes);
        Assert.True(result.P50Us > 0);
        Assert.True(result.P50Us <= result.P99Us && result.P99Us <= result.MaxUs);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void DiskSyncProbe_OnLinux_TimesFdatasyncBesideFsync()
    {
        using var temp = new TempDirectory();

        DiskSyncResult result = DiskSyncProbe.Measure(temp.Path, samples: 5);

        if (!System.OperatingSystem.IsLinux())
        {
            Assert.Null(result.FdatasyncP50Us); // no fdatasync elsewhere
            return;
        }

        Assert.NotNull(result.FdatasyncP50Us);
        Assert.True(result.FdatasyncP50Us > 0 && result.FdatasyncP50Us <= result.FdatasyncP99Us);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void WatchStalls_ForAFewHundredMilliseconds_CountsEverySyncAndRemovesItsFile()
    {
        using var temp = new TempDirectory();

        DiskStallWatch watch = DiskSyncProbe.WatchStalls(temp.Path, System.TimeSpan.FromMilliseconds(300));

        Assert.Equal(0.3, watch.Seconds, 3);
        Assert.True(watch.Samples > 0);
        Assert.InRange(watch.Stalls, 0, watch.Samples);
        Assert.True(watch.MaxUs > 0);
        Assert.True(watch.Stalls == 0 || watch.MaxUs >= DiskSyncProbe.StallMicros, "a stall implies a max of at least the stall threshold");
        Assert.NotNull(watch.GroupCommitP50Us);
        Assert.True(watch.GroupCommitP50Us > 0 && watch.GroupCommitP50Us <= watch.GroupCommitP99Us && watch.GroupCommitP99Us <= watch.GroupCommitP999Us);
        Assert.InRange(watch.GroupCommitOver5MsPercent!.Value, 0, 100);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void WatchStalls_ANonPositiveDuration_Throws()
    {
        using var temp = new TempDirectory();

        Assert.Throws<System.ArgumentOutOfRangeException>(() => DiskSyncProbe.WatchStalls(temp.Path, System.TimeSpan.Zero));
    }

    [Theory]
    [InlineData(50, 3)]
    [InlineData(99, 5)]
    [InlineData(0, 1)]
    [InlineData(100, 5)]
    public void Percentile_NearestRank_PicksTheRankedSample(double percentile, double expected)
    {
        Assert.Equal(expected, DiskSyncProbe.Percentile([1, 2, 3, 4, 5], percentile));
    }

    [Fact]
    public void ProbeReport_JsonRoundTrip_KeepsEveryField()
    {
        using var temp = new TempDirectory();
        ProbeReport report = ResultsFolder.Probes(handoffNs: 123.5, diskP99Us: 800);

        PerfJson.Write(temp.Combine("probes.json"), report);
        ProbeReport read = PerfJson.Read<ProbeReport>(temp.Combine("probes.json"));

        Assert.Equal(report.MeasuredAtUtc, read.MeasuredAtUtc);
        Assert.Equal("AMD EPYC", read.Machine.Cpu);
        Assert.Equal(2, read.Machine.Cores);
        Assert.Equal("abc123", read.Machine.Commit);
        Assert.Equal(123.5, read.Handoff!.RoundTripNs);
        Assert.Equal(61.75, read.Handoff.OneWayNs);
        Assert.Equal(800, read.DiskSync!.P99Us);
        Assert.Equal(DiskSyncProbe.Method, read.DiskSync.Method);
    }

    [Fact]
    public void Main_Probe_WritesReadableJsonWithMachineAndBothProbes()
    {
        using var temp = new TempDirectory();

        // A short probe: the handoff probe gives up after 2 s per sample if the second thread never runs.
        int exit = Program.Main(["probe", "--out", temp.Combine("probes.json"), "--samples", "3", "--handoff-ms", "10", "--commit", "deadbeef"]);

        Assert.Equal(0, exit);
        ProbeReport read = PerfJson.Read<ProbeReport>(temp.Combine("probes.json"));
        Assert.Equal("deadbeef", read.Machine.Commit);
        Assert.True(read.Machine.Cores > 0);
        Assert.NotNull(read.Handoff);
        Assert.Equal(3, read.DiskSync!.Samples);
        Assert.Equal(temp.Path, read.DiskSync.Directory);
        Assert.Null(read.DiskSync.StallWatch); // not asked for
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Main_ProbeWithAStallWatch_WritesItAndTheMachineTableShowsIt()
    {
        using var temp = new TempDirectory();

        int exit = Program.Main(["probe", "--out", temp.Combine("probes.json"), "--samples", "3", "--handoff-ms", "10", "--stall-seconds", "0.2"]);

        Assert.Equal(0, exit);
        ProbeReport read = PerfJson.Read<ProbeReport>(temp.Combine("probes.json"));
        DiskStallWatch watch = Assert.IsType<DiskStallWatch>(read.DiskSync!.StallWatch);
        Assert.Equal(0.2, watch.Seconds, 3);
        Assert.True(watch.Samples > 0);
        Assert.Contains("disk stall watch", SummaryReport.MachineTable(read).ToText(), System.StringComparison.Ordinal);
        Assert.Contains("ideal group commit", SummaryReport.MachineTable(read).ToText(), System.StringComparison.Ordinal);
        Assert.NotNull(watch.GroupCommitP99Us);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("3601")]
    public void Main_ProbeWithAStallWatchOutOfRange_FailsWithUsage(string seconds)
    {
        using var temp = new TempDirectory();

        int exit = Program.Main(["probe", "--out", temp.Combine("probes.json"), "--stall-seconds", seconds]);

        Assert.NotEqual(0, exit);
        Assert.False(File.Exists(temp.Combine("probes.json")));
    }
}
