using System;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class LatencyTimelineTests
{
    private const long Origin = 1_000_000;
    private const long Interval = 100; // ticks
    private const long Frequency = 1_000; // ticks per second: an interval is 0.1 s

    [Fact]
    public void Record_ByIntendedTime_CountsMeansAndMaximaPerInterval()
    {
        var timeline = new LatencyTimeline(Origin, Interval);

        timeline.Record(Origin, 10);
        timeline.Record(Origin + 99, 30);
        timeline.Record(Origin + 100, 5);
        timeline.Record(Origin + 350, 7_000);

        var intervals = timeline.Intervals(Frequency);
        Assert.Equal(4, intervals.Count);
        Assert.Equal(new TimelineInterval(0, 2, 20, 30), intervals[0]);
        Assert.Equal(new TimelineInterval(0.1, 1, 5, 5), intervals[1]);
        Assert.Equal(new TimelineInterval(0.2, 0, 0, 0), intervals[2]); // an empty interval is kept: time has no holes
        Assert.Equal(new TimelineInterval(0.3, 1, 7_000, 7_000), intervals[3]);
    }

    [Fact]
    public void Record_BeforeTheOrigin_IsIgnored()
    {
        var timeline = new LatencyTimeline(Origin, Interval);

        timeline.Record(Origin - 1, 1_000);

        Assert.Equal(0, timeline.Count);
        Assert.Empty(timeline.Intervals(Frequency));
    }

    [Fact]
    public void Record_FarBeyondTheLastInterval_GrowsAndClampsToTheLastKeptInterval()
    {
        var timeline = new LatencyTimeline(Origin, Interval);

        timeline.Record(Origin + (Interval * 1_000), 1); // past the initial capacity: grows
        Assert.Equal(1_001, timeline.Count);

        timeline.Record(Origin + (Interval * (LatencyTimeline.MaxIntervals + 5L)), 2);
        Assert.Equal(LatencyTimeline.MaxIntervals, timeline.Count);
        TimelineInterval last = timeline.Intervals(Frequency)[^1];
        Assert.Equal(1, last.Count);
        Assert.Equal(2, last.MaxUs);
    }

    [Fact]
    public void Add_TwoConnections_SumsCountsAndKeepsTheLargerMaximum()
    {
        var a = new LatencyTimeline(Origin, Interval);
        var b = new LatencyTimeline(Origin, Interval);
        a.Record(Origin + 10, 100);
        b.Record(Origin + 20, 300);
        b.Record(Origin + 250, 50);

        a.Add(b);

        var intervals = a.Intervals(Frequency);
        Assert.Equal(3, intervals.Count);
        Assert.Equal(new TimelineInterval(0, 2, 200, 300), intervals[0]);
        Assert.Equal(new TimelineInterval(0.2, 1, 50, 50), intervals[2]);
    }

    [Fact]
    public void Add_ADifferentOriginOrInterval_Throws()
    {
        var timeline = new LatencyTimeline(Origin, Interval);

        Assert.Throws<ArgumentException>(() => timeline.Add(new LatencyTimeline(Origin + 1, Interval)));
        Assert.Throws<ArgumentException>(() => timeline.Add(new LatencyTimeline(Origin, Interval * 2)));
    }

    [Fact]
    public void Constructor_ANonPositiveInterval_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyTimeline(Origin, 0));
    }
}
