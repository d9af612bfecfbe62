using System;

namespace Pipeline.PerfReport;

/// <summary>
/// The acknowledgement latency that an ideal group commit would have on a disk, from a series of back-to-back
/// syncs timed on it: the floor that no journal with durable acknowledgements can go below there.
/// </summary>
/// <remarks>
/// The ideal: commands arrive evenly in time and cost no CPU; each sync makes durable everything that arrived
/// before it started, so a command that arrives while sync <c>i</c> runs (or in the gap after it) is durable when
/// sync <c>i + 1</c> ends. Its latency is then <c>end[i+1] - t</c>: over the arrivals in
/// <c>[start[i], start[i+1])</c> it is spread evenly between <c>end[i+1] - start[i+1]</c> and
/// <c>end[i+1] - start[i]</c>, weighted by the length of that stretch. The distribution is this mixture of
/// uniform pieces, so its percentiles are exact, not sampled. One stall of 100 ms delays every command that arrives
/// during it, which is why a few stalls a minute decide the p99 of a durable service.
/// </remarks>
internal sealed class GroupCommitFloor
{
    private readonly double[] _low;
    private readonly double[] _high;
    private readonly double _totalWeight;

    private GroupCommitFloor(double[] low, double[] high, double totalWeight)
    {
        _low = low;
        _high = high;
        _totalWeight = totalWeight;
    }

    /// <summary>
    /// From syncs given as (start, end) times in microseconds, in the order they ran, each starting at or after
    /// the end of the one before.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two syncs, a sync that ends before it starts, or overlapping syncs.</exception>
    public static GroupCommitFloor FromSyncs(ReadOnlySpan<double> starts, ReadOnlySpan<double> ends)
    {
        if (starts.Length != ends.Length)
        {
            throw new ArgumentException($"{starts.Length} starts but {ends.Length} ends.", nameof(ends));
        }

        if (starts.Length < 2)
        {
            throw new ArgumentException("An ideal group commit needs at least two syncs: arrivals during one are durable at the end of the next.", nameof(starts));
        }

        int pieces = starts.Length - 1;
        var low = new double[pieces];
        var high = new double[pieces];
        double total = 0;
        for (int i = 0; i < starts.Length; i++)
        {
            if (ends[i] < starts[i])
            {
                throw new ArgumentException($"Sync {i} ends ({ends[i]}) before it starts ({starts[i]}).", nameof(ends));
            }

            if (i > 0 && starts[i] < ends[i - 1])
            {
                throw new ArgumentException($"Sync {i} starts ({starts[i]}) before sync {i - 1} ends ({ends[i - 1]}).", nameof(starts));
            }
        }

        for (int i = 0; i < pieces; i++)
        {
            low[i] = ends[i + 1] - starts[i + 1];
            high[i] = ends[i + 1] - starts[i];
            total += high[i] - low[i];
        }

        if (total <= 0)
        {
            throw new ArgumentException("The syncs cover no time.", nameof(starts));
        }

        return new GroupCommitFloor(low, high, total);
    }

    /// <summary>The share (0-1) of arrivals whose latency would exceed <paramref name="micros"/>.</summary>
    public double ShareAbove(double micros)
    {
        double above = 0;
        for (int i = 0; i < _low.Length; i++)
        {
            if (micros < _low[i])
            {
                above += _high[i] - _low[i];
            }
            else if (micros < _high[i])
            {
                above += _high[i] - micros;
            }
        }

        return above / _totalWeight;
    }

    /// <summary>The latency in microseconds that <paramref name="percentile"/> percent of arrivals would not exceed.</summary>
    public double Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        double lo = double.MaxValue;
        double hi = 0;
        for (int i = 0; i < _low.Length; i++)
        {
            lo = Math.Min(lo, _low[i]);
            hi = Math.Max(hi, _high[i]);
        }

        // ShareAbove falls monotonically in its argument: bisect to a hundredth of a microsecond.
        double target = 1 - (percentile / 100);
        while (hi - lo > 0.01)
        {
            double mid = (lo + hi) / 2;
            if (ShareAbove(mid) > target)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }
}
