using System;
using System.Linq;
using HdrHistogram;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

/// <summary>
/// A fake open-loop run on a manual clock, through the real pacer (<see cref="OpenLoopDriver"/>) and trackers: the
/// simulated server answers every command 100 µs after it is sent, except for a 200 ms stall during which it takes
/// nothing and the generator, held back, sends nothing (the coordinated-omission trap).
/// </summary>
public sealed class CoordinatedOmissionTests
{
    private const double Rate = 10_000;
    private const int Connections = 4;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_answerDelay = TimeSpan.FromTicks(1_000); // 100 µs
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(1);

    private static (LatencyRecorder Merged, long Commands, ConnectionTracker[] Trackers, SimulatedServer[] Servers) Run(TimeSpan stallAt, TimeSpan stallFor, TimeSpan warmup = default)
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        clock.AdvanceTimestamp(TimeSpan.FromSeconds(1)); // the clock does not start at zero
        long start = clock.GetTimestamp();
        long frequency = clock.TimestampFrequency;
        long measureFrom = start + (long)(warmup.TotalSeconds * frequency);
        long end = measureFrom + (long)(s_duration.TotalSeconds * frequency);
        var schedule = new OpenLoopSchedule(Rate, start, frequency, Connections);
        var trackers = new ConnectionTracker[Connections];
        var servers = new SimulatedServer[Connections];
        var workloads = new LedgerWorkload[Connections];
        for (int c = 0; c < Connections; c++)
        {
            trackers[c] = new ConnectionTracker(c, schedule, clock, measureFrom);
            servers[c] = new SimulatedServer(trackers[c], trackers[c]);
            workloads[c] = new LedgerWorkload(seed: c, accounts: 100, size: 64);
        }

        var driver = new OpenLoopDriver(schedule, end, servers, workloads);
        long stallFrom = start + (long)(stallAt.TotalSeconds * frequency);
        long stallUntil = stallFrom + (long)(stallFor.TotalSeconds * frequency);
        while (driver.Sent < driver.Total)
        {
            long now = clock.GetTimestamp();
            if (now >= stallFrom && now < stallUntil)
            {
                clock.AdvanceTimestamp(s_tick);
                continue;
            }

            driver.PaceOnce(now);
            clock.AdvanceTimestamp(s_answerDelay);
            foreach (SimulatedServer server in servers)
            {
                server.AnswerAll();
            }

            clock.AdvanceTimestamp(s_tick - s_answerDelay);
        }

        foreach (ConnectionTracker tracker in trackers)
        {
            tracker.Finish();
            Assert.True(tracker.Drained.IsCompleted);
        }

        LatencyRecorder merged = LatencyRecorder.Merge([.. trackers.Select(t => t.Recorder)], frequency, trackService: true);
        return (merged, schedule.CountBefore(end) - schedule.CountBefore(measureFrom), trackers, servers);
    }

    [Fact]
    public void OpenLoop_ServerStalls200Ms_LatencyFromIntendedTimeShowsTheStallServiceTimeDoesNot()
    {
        (LatencyRecorder merged, long commands, ConnectionTracker[] trackers, _) = Run(stallAt: TimeSpan.FromSeconds(5), stallFor: TimeSpan.FromMilliseconds(200));
        HistogramBase latency = merged.Latency;
        HistogramBase service = merged.Service!;

        // 2% of the commands were intended during the stall: up to 200 ms late, half of them more than 100 ms.
        Assert.Equal(100_000, commands);
        Assert.Equal(commands, latency.TotalCount);
        Assert.Equal(commands, service.TotalCount);
        Assert.Equal(commands, trackers.Sum(t => t.Acks));
        Assert.InRange(latency.GetValueAtPercentile(99), 90_000, 110_000);
        Assert.InRange(latency.GetMaxValue(), 199_000, 202_000);
        Assert.True(latency.GetValueAtPercentile(50) <= 1_100, "most commands are answered within a tick and 100 µs");

        // The generator sent late, so from the actual send everything looks like the 100 µs service.
        Assert.InRange(service.GetValueAtPercentile(50), 99, 101);
        Assert.InRange(service.GetValueAtPercentile(99), 99, 101);
        Assert.InRange(service.GetMaxValue(), 99, 101);
    }

    [Fact]
    public void OpenLoop_ServerStalls200Ms_TheTimelineShowsWhen()
    {
        (LatencyRecorder merged, long commands, _, _) = Run(stallAt: TimeSpan.FromSeconds(5), stallFor: TimeSpan.FromMilliseconds(200));
        System.Collections.Generic.IReadOnlyList<TimelineInterval> timeline = merged.Timeline.Intervals(merged.TimestampFrequency);

        // 10 s in 100 ms intervals, every command in exactly one, 1 000 per interval at 10 000/s.
        Assert.Equal(100, timeline.Count);
        Assert.Equal(commands, timeline.Sum(i => i.Count));
        Assert.All(timeline, i => Assert.Equal(1_000, i.Count));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i / 10.0), timeline.Select(i => i.StartSeconds));

        // Commands intended during the stall (5.0-5.2 s) waited up to 200 ms, and so did those of the last tick before
        // it (due after the pacer's last round at 4.999 s); every other interval is a tick and 100 µs.
        Assert.InRange(timeline[50].MaxUs, 199_000, 202_000);
        Assert.InRange(timeline[50].MeanUs, 140_000, 160_000);
        Assert.InRange(timeline[51].MaxUs, 99_000, 102_000);
        Assert.InRange(timeline[49].MaxUs, 199_000, 202_000);
        Assert.True(timeline[49].MeanUs < 5_000, $"4.9 s: mean {timeline[49].MeanUs} µs: only its last tick waited");
        Assert.All(timeline.Where((_, index) => index is not (49 or 50 or 51)), i => Assert.True(i.MaxUs <= 1_101, $"{i.StartSeconds} s: max {i.MaxUs} µs"));
    }

    [Fact]
    public void OpenLoop_NoStall_LatencyIsTheTickGranularityPlusTheService()
    {
        (LatencyRecorder merged, _, _, _) = Run(stallAt: TimeSpan.MaxValue / 2, stallFor: TimeSpan.Zero);

        Assert.True(merged.Latency.GetMaxValue() <= 1_101, $"max {merged.Latency.GetMaxValue()} µs");
        Assert.InRange(merged.Latency.GetValueAtPercentile(50), 500, 600);
        Assert.InRange(merged.Service!.GetMaxValue(), 99, 101);
    }

    [Fact]
    public void OpenLoop_EachTick_SendsOneBatchPerConnectionWithItsDueCommands()
    {
        (_, _, ConnectionTracker[] trackers, SimulatedServer[] servers) = Run(stallAt: TimeSpan.MaxValue / 2, stallFor: TimeSpan.Zero);

        // 10 000/s over 4 connections: 10 commands per 1 ms tick, 2 or 3 per connection, in one batch each (the very
        // first tick, at the start, has only command 0 due).
        Assert.All(servers, s => Assert.InRange(s.Batches, 9_990, 10_001));
        Assert.Equal(1, servers[0].BatchSizes[0]);
        Assert.All(servers, s => Assert.All(s.BatchSizes.Skip(1), size => Assert.InRange(size, 2, 3)));
        Assert.All(trackers, t => Assert.Equal(25_000, t.Sent));
    }

    [Fact]
    public void OpenLoop_AfterAStall_TheBacklogGoesOutAtOnceAndIsCountedInTheMeasuredPart()
    {
        (_, long commands, ConnectionTracker[] trackers, SimulatedServer[] servers) = Run(stallAt: TimeSpan.FromSeconds(5), stallFor: TimeSpan.FromMilliseconds(200));

        Assert.Contains(servers[0].BatchSizes, size => size >= 490);
        Assert.Equal(commands, trackers.Sum(t => t.MeasuredSent));
        Assert.All(trackers, t => Assert.Equal(0, t.Errors));
    }

    [Fact]
    public void OpenLoop_WarmUp_IsSentAndAnsweredButNotRecorded()
    {
        (LatencyRecorder merged, long commands, ConnectionTracker[] trackers, _) = Run(stallAt: TimeSpan.FromSeconds(0.5), stallFor: TimeSpan.FromMilliseconds(200), warmup: TimeSpan.FromSeconds(1));

        // The stall was in the warm-up: it does not show.
        Assert.Equal(100_000, commands);
        Assert.Equal(110_000, trackers.Sum(t => t.Completed));
        Assert.Equal(commands, merged.Latency.TotalCount);
        Assert.True(merged.Latency.GetMaxValue() <= 1_101);
    }
}
