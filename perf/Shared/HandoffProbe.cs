using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Pipeline.Perf;

/// <summary>
/// Measures how long it takes to hand one cache line from one core to the other: two threads ping-pong a
/// counter on a padded line. On this kind of shared VM that time flips between ~55 ns and ~240 ns and the ring's
/// throughput follows it, so every perf run records it next to its results.
/// </summary>
// Design: _line.Value is written alternately by the two threads (odd values by ping, even by pong); each thread
// spins on an acquire read until it sees the other's write, so one loop iteration is one round trip (two
// one-way handoffs of the line). Stop is a sentinel written by ping. The field is padded on both sides so that
// nothing else shares its cache lines.
internal static class HandoffProbe
{
    private const long Stop = long.MinValue;
    private const int Samples = 5;

    /// <summary>Runs five samples of <paramref name="total"/>/5 each and returns their median.</summary>
    public static HandoffResult Measure(TimeSpan? total = null)
    {
        TimeSpan perSample = (total ?? TimeSpan.FromMilliseconds(100)) / Samples;
        var roundTrips = new double[Samples];
        for (int i = 0; i < Samples; i++)
        {
            roundTrips[i] = MeasureOnce(perSample);
        }

        // NaN (the other thread never answered) sorts first; the median and range are taken over real samples.
        Array.Sort(roundTrips);
        int first = Array.FindIndex(roundTrips, r => !double.IsNaN(r));
        if (first < 0)
        {
            return new HandoffResult(double.NaN, double.NaN, double.NaN, DateTime.UtcNow);
        }

        return new HandoffResult(roundTrips[first + ((Samples - first) / 2)], roundTrips[first], roundTrips[Samples - 1], DateTime.UtcNow);
    }

    // Returns nanoseconds per round trip, or NaN if the pong thread did not answer within 2 s.
    private static double MeasureOnce(TimeSpan duration)
    {
        var line = new PaddedLong();
        var pong = new Thread(() => Pong(line)) { IsBackground = true, Name = "handoff-pong" };
        pong.Start();

        long durationTicks = (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long giveUpTicks = 2 * Stopwatch.Frequency;

        // Let the pong thread get on a core before timing starts: one untimed round trip.
        Volatile.Write(ref line.Value, 1);
        long warm = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref line.Value) != 2)
        {
            if (Stopwatch.GetTimestamp() - warm > giveUpTicks)
            {
                Volatile.Write(ref line.Value, Stop);
                return double.NaN;
            }
        }

        long start = Stopwatch.GetTimestamp();
        long trips = 0;
        long value = 3;
        long now = start;
        bool gaveUp = false;
        while (!gaveUp)
        {
            Volatile.Write(ref line.Value, value);
            long spins = 0;
            while (Volatile.Read(ref line.Value) != value + 1)
            {
                // Checking the clock only every 64k spins keeps it out of the measured loop.
                if ((++spins & 0xFFFF) == 0 && Stopwatch.GetTimestamp() - start > giveUpTicks)
                {
                    gaveUp = true;
                    break;
                }
            }

            if (gaveUp)
            {
                break;
            }

            trips++;
            value += 2;

            // Normally the clock is read every 256 round trips; a slow trip (the other thread was descheduled)
            // makes it look at once, so that a disturbed sample still ends on time.
            if (((trips & 0xFF) == 0 || spins > 1024) && (now = Stopwatch.GetTimestamp()) - start >= durationTicks)
            {
                break;
            }
        }

        Volatile.Write(ref line.Value, Stop);
        pong.Join();
        if (trips == 0)
        {
            return double.NaN;
        }

        now = Stopwatch.GetTimestamp();
        double seconds = (double)(now - start) / Stopwatch.Frequency;
        return seconds * 1e9 / trips;
    }

    private static void Pong(PaddedLong line)
    {
        long expected = 1;
        while (true)
        {
            long value;
            while ((value = Volatile.Read(ref line.Value)) != expected)
            {
                if (value == Stop)
                {
                    return;
                }
            }

            Volatile.Write(ref line.Value, expected + 1);
            expected += 2;
        }
    }

    [StructLayout(LayoutKind.Explicit, Size = 256 + sizeof(long))]
    private sealed class PaddedLong
    {
        [FieldOffset(128)]
        public long Value;
    }
}
