using System;
using System.Collections.Generic;

namespace Pipeline.LoadGen;

/// <summary>
/// Latency over time: for each fixed interval of intended send time, how many commands were answered, their mean
/// and their largest latency (µs). A p99 says how much of a run was slow; the timeline says when (a stall once a
/// few seconds points at a periodic cause such as a snapshot or a segment roll; scattered ones at the machine).
/// </summary>
/// <remarks>
/// Not thread-safe, like <see cref="LatencyRecorder"/>: one per connection, merged after the drain. The arrays
/// grow as the run goes on (doubling, so a run of any length allocates a handful of times), up to
/// <see cref="MaxIntervals"/>; later commands are counted in the last interval.
/// </remarks>
internal sealed class LatencyTimeline
{
    /// <summary>The most intervals kept (a day at 100 ms).</summary>
    public const int MaxIntervals = 864_000;

    private long[] _count = new long[128];
    private long[] _sum = new long[128];
    private long[] _max = new long[128];
    private int _used;

    /// <param name="originTimestamp">The start of the first interval (the measured part's start).</param>
    /// <param name="intervalTicks">An interval's length in timestamp ticks.</param>
    public LatencyTimeline(long originTimestamp, long intervalTicks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalTicks);
        OriginTimestamp = originTimestamp;
        IntervalTicks = intervalTicks;
    }

    public long OriginTimestamp { get; }

    public long IntervalTicks { get; }

    /// <summary>Intervals from the origin up to the last one that holds a command.</summary>
    public int Count => _used;

    /// <summary>Records one command's latency by its intended send time; commands intended before the origin are ignored.</summary>
    public void Record(long intendedTimestamp, long latencyMicroseconds)
    {
        long offset = intendedTimestamp - OriginTimestamp;
        if (offset < 0)
        {
            return;
        }

        int index = (int)Math.Min(offset / IntervalTicks, MaxIntervals - 1);
        Add(index, 1, latencyMicroseconds, latencyMicroseconds);
    }

    /// <summary>Adds another timeline of the same origin and interval (another connection's).</summary>
    public void Add(LatencyTimeline other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.OriginTimestamp != OriginTimestamp || other.IntervalTicks != IntervalTicks)
        {
            throw new ArgumentException("Only timelines of the same origin and interval can be added.", nameof(other));
        }

        for (int i = 0; i < other._used; i++)
        {
            if (other._count[i] > 0)
            {
                Add(i, other._count[i], other._sum[i], other._max[i]);
            }
        }
    }

    /// <summary>The intervals, in order (empty ones included, with a count of 0).</summary>
    public IReadOnlyList<TimelineInterval> Intervals(long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        var intervals = new TimelineInterval[_used];
        for (int i = 0; i < _used; i++)
        {
            intervals[i] = new TimelineInterval(
                Math.Round(i * (double)IntervalTicks / timestampFrequency, 3),
                _count[i],
                _count[i] == 0 ? 0 : Math.Round(_sum[i] / (double)_count[i], 1),
                _max[i]);
        }

        return intervals;
    }

    private void Add(int index, long count, long sum, long max)
    {
        if (index >= _count.Length)
        {
            Grow(index + 1);
        }

        _count[index] += count;
        _sum[index] += sum;
        if (max > _max[index])
        {
            _max[index] = max;
        }

        if (index >= _used)
        {
            _used = index + 1;
        }
    }

    private void Grow(int needed)
    {
        int length = (int)Math.Min(MaxIntervals, Math.Max(needed, (long)_count.Length * 2));
        Array.Resize(ref _count, length);
        Array.Resize(ref _sum, length);
        Array.Resize(ref _max, length);
    }
}

/// <summary>One interval of a <see cref="LatencyTimeline"/>.</summary>
/// <param name="StartSeconds">The interval's start, seconds after the measured part's start (by intended send time).</param>
/// <param name="Count">Commands intended in it and answered.</param>
/// <param name="MeanUs">Their mean latency, µs (0 when none).</param>
/// <param name="MaxUs">Their largest latency, µs.</param>
internal sealed record TimelineInterval(double StartSeconds, long Count, double MeanUs, long MaxUs);
