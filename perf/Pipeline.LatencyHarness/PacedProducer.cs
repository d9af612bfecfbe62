using System;
using System.Diagnostics;
using System.Threading;

namespace Pipeline.LatencyHarness;

/// <summary>
/// Publishes at a fixed rate against a schedule of intended send times (start + i / rate). The producer spins
/// on the clock until the next intended time (it yields only when that is more than 50 us away, which happens
/// only at rates below 20k/s). When it falls behind (the claim waited, the thread was descheduled, or at 1M/s one
/// publish plus one clock read take most of the 1 us interval), it publishes every overdue event back to back
/// in bursts of at most 16 before it reads the clock again: the schedule, not the producer, sets the count of
/// events, and each event carries its intended time so the recorder can also charge the producer's lag.
/// </summary>
internal static class PacedProducer
{
    private const int MaxBurst = 16;

    public static ScheduleStats Run(ILatencyScenario scenario, int ratePerSecond, TimeSpan duration)
    {
        double interval = (double)Stopwatch.Frequency / ratePerSecond;
        long yieldThreshold = Stopwatch.Frequency / 20_000;
        long start = Stopwatch.GetTimestamp() + (long)interval;
        long endTicks = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long lateThreshold = Math.Max(1, (long)interval);
        long published = 0;
        long late = 0;
        long bursts = 0;
        long maxLag = 0;
        while (true)
        {
            long intended = start + (long)(published * interval);
            if (intended >= endTicks)
            {
                break;
            }

            long now = Stopwatch.GetTimestamp();
            long wait = intended - now;
            if (wait > 0)
            {
                if (wait > yieldThreshold)
                {
                    Thread.Yield();
                }

                continue;
            }

            long lag = now - intended;
            if (lag > maxLag)
            {
                maxLag = lag;
            }

            int burst = 0;
            do
            {
                if (now - intended > lateThreshold)
                {
                    late++;
                }

                scenario.Publish(intended);
                published++;
                burst++;
                intended = start + (long)(published * interval);
            }
            while (burst < MaxBurst && intended <= now && intended < endTicks);

            if (burst > 1)
            {
                bursts++;
            }
        }

        double seconds = (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;
        return new ScheduleStats(published, late, bursts, maxLag * 1e9 / Stopwatch.Frequency, published / seconds);
    }

    /// <summary>Waits (spin, then yield, then sleep) until the consumer recorded <paramref name="published"/> events.</summary>
    public static bool Drain(LatencyRecorder recorder, long published, TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        var spinner = default(SpinWait);
        while (recorder.Processed < published)
        {
            if (Stopwatch.GetElapsedTime(start) > timeout)
            {
                return false;
            }

            spinner.SpinOnce(sleep1Threshold: 100);
        }

        return true;
    }
}
