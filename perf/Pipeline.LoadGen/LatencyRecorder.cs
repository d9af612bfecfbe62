using System;
using System.Collections.Generic;
using HdrHistogram;

namespace Pipeline.LoadGen;

/// <summary>
/// One connection's latencies in microseconds: from each command's intended send time to its ACK (the
/// coordinated-omission corrected latency), and optionally from its actual send to its ACK (the service time).
/// </summary>
/// <remarks>
/// Not thread-safe: one recorder per connection, written only by that connection's receive loop, so no lock is
/// taken per command. <see cref="Merge"/> combines them once the run has drained.
/// </remarks>
internal sealed class LatencyRecorder
{
    /// <summary>The largest latency kept (an hour); longer ones are recorded as this.</summary>
    public const long HighestTrackableMicroseconds = 3_600_000_000;

    private const int SignificantDigits = 3;

    private readonly double _microsecondsPerTick;

    /// <summary>The timeline's interval.</summary>
    public static readonly TimeSpan TimelineInterval = TimeSpan.FromMilliseconds(100);

    /// <param name="timestampFrequency">Timestamp ticks per second.</param>
    /// <param name="trackService">Also record the service time (from the actual send).</param>
    /// <param name="measureFrom">The measured part's start: the timeline's origin.</param>
    public LatencyRecorder(long timestampFrequency, bool trackService, long measureFrom)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        TimestampFrequency = timestampFrequency;
        _microsecondsPerTick = 1_000_000.0 / timestampFrequency;
        Latency = NewHistogram();
        Service = trackService ? NewHistogram() : null;
        Timeline = new LatencyTimeline(measureFrom, Math.Max(1, (long)(TimelineInterval.TotalSeconds * timestampFrequency)));
    }

    public long TimestampFrequency { get; }

    /// <summary>Latency from the intended send time, µs.</summary>
    public LongHistogram Latency { get; }

    /// <summary>Service time from the actual send, µs; null when not tracked (closed loop: it equals the latency).</summary>
    public LongHistogram? Service { get; }

    /// <summary>The latency from the intended send time, per <see cref="TimelineInterval"/> of intended send time.</summary>
    public LatencyTimeline Timeline { get; }

    /// <summary>Records one acknowledged command (timestamps in the recorder's frequency).</summary>
    public void Record(long intendedTimestamp, long sentTimestamp, long ackTimestamp)
    {
        long latency = ToMicroseconds(ackTimestamp - intendedTimestamp);
        Latency.RecordValue(latency);
        Timeline.Record(intendedTimestamp, latency);
        Service?.RecordValue(ToMicroseconds(ackTimestamp - sentTimestamp));
    }

    /// <summary>One recorder holding every recorder's values.</summary>
    public static LatencyRecorder Merge(IReadOnlyList<LatencyRecorder> recorders, long timestampFrequency, bool trackService)
    {
        ArgumentNullException.ThrowIfNull(recorders);
        var merged = new LatencyRecorder(timestampFrequency, trackService, recorders.Count > 0 ? recorders[0].Timeline.OriginTimestamp : 0);
        foreach (LatencyRecorder recorder in recorders)
        {
            merged.Latency.Add(recorder.Latency);
            merged.Timeline.Add(recorder.Timeline);
            if (merged.Service is not null && recorder.Service is not null)
            {
                merged.Service.Add(recorder.Service);
            }
        }

        return merged;
    }

    private static LongHistogram NewHistogram() => new(HighestTrackableMicroseconds, SignificantDigits);

    private long ToMicroseconds(long ticks) => ticks <= 0 ? 0 : Math.Min(HighestTrackableMicroseconds, (long)(ticks * _microsecondsPerTick));
}
