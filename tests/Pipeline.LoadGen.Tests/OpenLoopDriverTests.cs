using System;
using System.Collections.Generic;
using System.Linq;
using HdrHistogram;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

/// <summary>
/// The spread pacing on a manual clock: the test wakes the pacer exactly when <see cref="OpenLoopDriver.PaceOnce"/>
/// asks (or later, for a late pacer), and the simulated server answers every batch 100 µs after it was sent.
/// </summary>
public sealed class OpenLoopDriverTests
{
    private const double Rate = 10_000;
    private const int Connections = 4;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(2);
    private const long AnswerDelay = 1_000; // 100 µs in the manual clock's 100 ns ticks

    private sealed record SpreadRun(OpenLoopSchedule Schedule, SpreadSlots Slots, OpenLoopDriver Driver, ConnectionTracker[] Trackers, SimulatedServer[] Servers, List<long> Wakes, long MeasureFrom, long End);

    // Spread: the pacer wakes when PaceOnce asks, lateBy(wake) later (0: on time). Shared: every 1 ms, as its Thread.Sleep(1).
    private static SpreadRun Run(OpenLoopPacing pacing, Func<long, long>? lateBy = null)
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        clock.AdvanceTimestamp(TimeSpan.FromSeconds(1)); // the clock does not start at zero
        long start = clock.GetTimestamp();
        long frequency = clock.TimestampFrequency;
        long end = start + (long)(s_duration.TotalSeconds * frequency);
        var schedule = new OpenLoopSchedule(Rate, start, frequency, Connections);
        var trackers = new ConnectionTracker[Connections];
        var servers = new SimulatedServer[Connections];
        var workloads = new LedgerWorkload[Connections];
        for (int c = 0; c < Connections; c++)
        {
            trackers[c] = new ConnectionTracker(c, schedule, clock, start);
            servers[c] = new SimulatedServer(trackers[c], trackers[c]);
            workloads[c] = new LedgerWorkload(seed: c, accounts: 100, size: 64);
        }

        var driver = new OpenLoopDriver(schedule, end, servers, workloads, pacing);
        var wakes = new List<long>();
        while (true)
        {
            long now = clock.GetTimestamp();
            wakes.Add(now);
            long next = driver.PaceOnce(now);
            if (pacing == OpenLoopPacing.Shared && next != long.MaxValue)
            {
                next = now + (frequency / 1000);
            }

            Assert.True(next > now, $"the pacer asked to wake at {next}, not after now ({now})");
            long answerAt = now + AnswerDelay;
            if (next == long.MaxValue || next >= answerAt)
            {
                clock.AdvanceTimestamp(TimeSpan.FromTicks(AnswerDelay));
                Array.ForEach(servers, s => s.AnswerAll());
            }

            if (next == long.MaxValue)
            {
                break;
            }

            long at = next + (lateBy?.Invoke(next) ?? 0);
            clock.AdvanceTimestamp(TimeSpan.FromTicks(Math.Max(0, at - clock.GetTimestamp())));
        }

        foreach (ConnectionTracker tracker in trackers)
        {
            tracker.Finish();
            Assert.True(tracker.Drained.IsCompleted);
        }

        return new SpreadRun(schedule, SpreadSlots.For(schedule), driver, trackers, servers, wakes, start, end);
    }

    // Each command of the connection, in order, with the time it was sent.
    private static long[] SendTimeOfEachCommand(SimulatedServer server) =>
        [.. server.BatchSizes.Zip(server.SendTimes).SelectMany(b => Enumerable.Repeat(b.Second, b.First))];

    [Fact]
    public void Spread_EveryCommand_IsSentOnceInOrderAtItsConnectionsFirstSlotAtOrAfterItsIntendedTime()
    {
        SpreadRun run = Run(OpenLoopPacing.Spread);

        Assert.Equal(20_000, run.Driver.Total);
        Assert.Equal(run.Driver.Total, run.Driver.Sent);
        for (int c = 0; c < Connections; c++)
        {
            long[] sent = SendTimeOfEachCommand(run.Servers[c]);
            Assert.Equal(run.Schedule.CountOf(c, run.Driver.Total), sent.Length);
            for (int nth = 0; nth < sent.Length; nth++)
            {
                long intended = run.Schedule.IntendedTime(run.Schedule.CommandOf(c, nth));
                Assert.Equal(run.Slots.FirstAtOrAfter(c, intended), sent[nth]);
            }
        }
    }

    [Fact]
    public void Spread_EachConnection_IsWrittenOnlyAtItsOwnPhaseAndNoTwoAtTheSameInstant()
    {
        SpreadRun run = Run(OpenLoopPacing.Spread);

        for (int c = 0; c < Connections; c++)
        {
            long offset = run.Slots.Offset(c);
            Assert.All(run.Servers[c].SendTimes, t => Assert.Equal(offset, (t - run.Schedule.Start) % run.Slots.Period));
        }

        Assert.Equal([0L, 2_500, 5_000, 7_500], Enumerable.Range(0, Connections).Select(run.Slots.Offset));
        long[] all = [.. run.Servers.SelectMany(s => s.SendTimes)];
        Assert.Equal(all.Length, all.Distinct().Count());

        // 10 000/s over 4 connections: 2 or 3 commands per connection per 1 ms, one batch each, 4 wake-ups per ms.
        Assert.All(run.Servers, s => Assert.InRange(s.Batches, 1_999, 2_001));
        Assert.All(run.Servers, s => Assert.All(s.BatchSizes, size => Assert.InRange(size, 1, 3)));
        Assert.InRange(run.Wakes.Count, 7_990, 8_010);
    }

    [Fact]
    public void Spread_SameScheduleAsShared_SameCountsPerConnectionAndPerSecond()
    {
        SpreadRun spread = Run(OpenLoopPacing.Spread);
        SpreadRun shared = Run(OpenLoopPacing.Shared);

        Assert.Equal(shared.Driver.Total, spread.Driver.Total);
        Assert.Equal(shared.Trackers.Select(t => t.Sent), spread.Trackers.Select(t => t.Sent));
        Assert.Equal(shared.Trackers.Select(t => t.Acks), spread.Trackers.Select(t => t.Acks));
        long second = spread.Schedule.Frequency;
        long[] sendTimes = [.. spread.Servers.SelectMany(SendTimeOfEachCommand)];
        Assert.InRange(sendTimes.Count(t => t >= spread.Schedule.Start + second), 10_000, 10_010);
        Assert.Equal(Rate * s_duration.TotalSeconds, spread.Trackers.Sum(t => t.Acks));
    }

    [Fact]
    public void Spread_Latency_IsFromEachCommandsIntendedTimeAndAtMostAPeriodPlusTheService()
    {
        SpreadRun run = Run(OpenLoopPacing.Spread);
        LatencyRecorder merged = LatencyRecorder.Merge([.. run.Trackers.Select(t => t.Recorder)], run.Schedule.Frequency, trackService: true);
        HistogramBase latency = merged.Latency;

        // Intended times are 100 µs apart and each waits for its connection's slot (0 to 1 ms, 500 µs on average),
        // then the 100 µs service.
        Assert.Equal(20_000, latency.TotalCount);
        Assert.InRange(latency.GetValueAtPercentile(50), 500, 700);
        Assert.InRange(latency.GetMaxValue(), 1_000, 1_101);
        Assert.InRange(latency.GetMean(), 550, 650);
        Assert.InRange(merged.Service!.GetMaxValue(), 99, 101);
    }

    [Fact]
    public void Spread_LatePacer_SendsWhatIsDueWhenItWakesAndCountsTheLateness()
    {
        // Every wake-up 50 µs late, and one 20 ms stall: nothing is lost or repeated, the backlog goes out at once.
        long stallAt = 10_000_000 + 5_000_000; // 0.5 s after the start (the clock starts at 1 s)
        SpreadRun run = Run(OpenLoopPacing.Spread, wake => wake >= stallAt && wake < stallAt + 10_000 ? 200_000 : 500);
        LatencyRecorder merged = LatencyRecorder.Merge([.. run.Trackers.Select(t => t.Recorder)], run.Schedule.Frequency, trackService: true);

        Assert.Equal(run.Driver.Total, run.Driver.Sent);
        Assert.Equal(20_000, merged.Latency.TotalCount);
        Assert.All(run.Trackers, t => Assert.Equal(0, t.Errors));
        Assert.Contains(run.Servers.SelectMany(s => s.BatchSizes), size => size >= 45);
        Assert.InRange(merged.Latency.GetMaxValue(), 20_000, 22_000);
        Assert.True(merged.Latency.GetValueAtPercentile(50) <= 750, $"p50 {merged.Latency.GetValueAtPercentile(50)} µs");
    }

    [Fact]
    public void Spread_TwoRuns_AreTheSame()
    {
        SpreadRun first = Run(OpenLoopPacing.Spread);
        SpreadRun second = Run(OpenLoopPacing.Spread);

        for (int c = 0; c < Connections; c++)
        {
            Assert.Equal(first.Servers[c].SendTimes, second.Servers[c].SendTimes);
            Assert.Equal(first.Servers[c].BatchSizes, second.Servers[c].BatchSizes);
        }
    }

    [Fact]
    public void Shared_EachRound_WritesEveryConnectionAtTheSameInstant()
    {
        SpreadRun run = Run(OpenLoopPacing.Shared);

        Assert.Equal(OpenLoopPacing.Shared, run.Driver.Pacing);
        Assert.Equal(run.Driver.Total, run.Driver.Sent);
        var instants = run.Servers.Select(s => s.SendTimes.ToHashSet()).ToArray();
        Assert.All(instants.Skip(1), set => Assert.Subset(instants[0], set));
    }
}
