using System;
using System.Linq;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public class GroupCommitFloorTests
{
    // Syncs of the given durations (µs), each starting gap µs after the one before ended.
    private static (double[] Starts, double[] Ends) Syncs(double[] durations, double gap = 0)
    {
        var starts = new double[durations.Length];
        var ends = new double[durations.Length];
        double at = 0;
        for (int i = 0; i < durations.Length; i++)
        {
            starts[i] = at;
            ends[i] = at + durations[i];
            at = ends[i] + gap;
        }

        return (starts, ends);
    }

    [Fact]
    public void EvenSyncs_BackToBack_SpreadLatencyEvenlyBetweenOneAndTwoSyncs()
    {
        (double[] starts, double[] ends) = Syncs(Enumerable.Repeat(1_000.0, 1_001).ToArray());

        GroupCommitFloor floor = GroupCommitFloor.FromSyncs(starts, ends);

        // An arrival waits out the rest of the running sync, then the whole next one: 1-2 ms, evenly.
        Assert.Equal(0.5, floor.ShareAbove(1_500), 9);
        Assert.Equal(1, floor.ShareAbove(999), 9);
        Assert.Equal(0, floor.ShareAbove(2_000), 9);
        Assert.Equal(1_500, floor.Percentile(50), 1);
        Assert.Equal(1_990, floor.Percentile(99), 1);
    }

    [Fact]
    public void OneStall_DelaysEveryArrivalDuringItAndTheSyncBefore()
    {
        double[] durations = Enumerable.Repeat(1_000.0, 1_001).ToArray();
        durations[500] = 101_000; // a 101 ms stall among 1 ms syncs
        (double[] starts, double[] ends) = Syncs(durations);

        GroupCommitFloor floor = GroupCommitFloor.FromSyncs(starts, ends);

        // Arrivals during sync 499 wait for the stall whole (101-102 ms, 1 ms of arrivals); arrivals during the stall
        // wait for its rest and the next sync (1-102 ms, 101 ms of arrivals); the other 998 ms of arrivals 1-2 ms.
        const double total = (998 * 1_000) + 1_000 + 101_000;
        Assert.Equal((1_000 + (102_000 - 5_000)) / total, floor.ShareAbove(5_000), 9);
        Assert.True(floor.Percentile(99) > 5_000, "9% of arrivals wait over 5 ms, so the p99 is above it");
        Assert.Equal((1_000 + 1_000) / total, floor.ShareAbove(101_000), 9); // the last millisecond of each of the two pieces
    }

    [Fact]
    public void GapsBetweenSyncs_CountAsWaitingForTheNextSync()
    {
        (double[] starts, double[] ends) = Syncs(Enumerable.Repeat(1_000.0, 101).ToArray(), gap: 1_000);

        GroupCommitFloor floor = GroupCommitFloor.FromSyncs(starts, ends);

        // An arrival during a sync or the idle millisecond after it is durable when the next sync ends: 1-3 ms.
        Assert.Equal(2_000, floor.Percentile(50), 1);
        Assert.Equal(0.25, floor.ShareAbove(2_500), 9);
    }

    [Fact]
    public void FromSyncs_TooFew_Throws()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => GroupCommitFloor.FromSyncs([0.0], [1.0]));
        Assert.Contains("at least two syncs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSyncs_ASyncEndingBeforeItStarts_Throws()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => GroupCommitFloor.FromSyncs([0.0, 10.0], [5.0, 9.0]));
        Assert.Contains("Sync 1 ends", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSyncs_OverlappingSyncs_Throws()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => GroupCommitFloor.FromSyncs([0.0, 4.0], [5.0, 9.0]));
        Assert.Contains("before sync 0 ends", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSyncs_DifferentCounts_Throws()
    {
        Assert.Throws<ArgumentException>(() => GroupCommitFloor.FromSyncs([0.0, 5.0, 10.0], [5.0, 10.0]));
    }

    [Fact]
    public void FromSyncs_SyncsOfNoTime_Throws()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => GroupCommitFloor.FromSyncs([0.0, 0.0, 0.0], [0.0, 0.0, 0.0]));
        Assert.Contains("no time", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(100.1)]
    public void Percentile_OutOfRange_Throws(double percentile)
    {
        (double[] starts, double[] ends) = Syncs([1_000, 1_000, 1_000]);
        GroupCommitFloor floor = GroupCommitFloor.FromSyncs(starts, ends);

        Assert.Throws<ArgumentOutOfRangeException>(() => floor.Percentile(percentile));
    }
}
