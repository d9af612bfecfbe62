using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using HdrHistogram;

namespace Pipeline.LatencyHarness;

/// <summary>
/// Records, on the consumer thread, the latency of each event in nanoseconds: from the producer's send
/// timestamp (taken right before the claim) and from the event's intended send time (which also charges the
/// producer's own lag, i.e. corrects for coordinated omission). No allocation per event.
/// </summary>
// Design: the histograms and _processed are written only by the consumer thread. The producer reads _processed
// (acquire) to know when the consumer drained, and calls Reset only after it saw every published event
// processed and before it publishes again, so the consumer is idle then; the next publish (release) orders the
// reset before the consumer's next record.
internal sealed class LatencyRecorder
{
    /// <summary>One minute: anything slower is clamped (and would be obvious in max).</summary>
    private const long HighestTrackableNs = 60_000_000_000;
    private static readonly double s_nsPerTick = 1e9 / Stopwatch.Frequency;
    private long _processed;

    public LongHistogram FromSend { get; } = new(HighestTrackableNs, 3);

    public LongHistogram FromIntended { get; } = new(HighestTrackableNs, 3);

    public long Processed => Volatile.Read(ref _processed);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(long sendTicks, long intendedTicks)
    {
        long now = Stopwatch.GetTimestamp();
        FromSend.RecordValue(ToNanoseconds(now - sendTicks));
        FromIntended.RecordValue(ToNanoseconds(now - intendedTicks));
        Volatile.Write(ref _processed, _processed + 1);
    }

    public void Reset()
    {
        FromSend.Reset();
        FromIntended.Reset();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ToNanoseconds(long ticks)
    {
        long ns = s_nsPerTick == 1.0 ? ticks : (long)(ticks * s_nsPerTick);
        return ns < 0 ? 0 : ns > HighestTrackableNs ? HighestTrackableNs : ns;
    }
}
