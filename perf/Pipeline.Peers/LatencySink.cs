using System;
using System.Threading;
using HdrHistogram;
using Pipeline.LoadGen;

namespace Pipeline.Peers;

/// <summary>A latency histogram (µs) that several tasks record into; one lock per record call, a batch at a time.</summary>
internal sealed class LatencySink
{
    private readonly Lock _gate = new();
    private readonly double _microsecondsPerTick;

    public LatencySink(long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        _microsecondsPerTick = 1_000_000.0 / timestampFrequency;
    }

    public LongHistogram Histogram { get; } = new(LatencyRecorder.HighestTrackableMicroseconds, 3);

    public void Record(long ticks, long count = 1)
    {
        long us = ticks <= 0 ? 0 : Math.Min(LatencyRecorder.HighestTrackableMicroseconds, (long)(ticks * _microsecondsPerTick));
        lock (_gate)
        {
            Histogram.RecordValueWithCount(us, count);
        }
    }

    public LatencySummary Summary()
    {
        lock (_gate)
        {
            return LatencySummary.From(Histogram);
        }
    }
}
