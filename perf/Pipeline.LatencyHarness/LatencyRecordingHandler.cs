using System.Runtime.CompilerServices;
using Pipeline.Core.Processing;

namespace Pipeline.LatencyHarness;

/// <summary>The ring consumer of the latency scenarios: records each event's latency; a struct, so it is devirtualised.</summary>
internal readonly struct LatencyRecordingHandler : IEventHandler<LatencyEvent>
{
    private readonly LatencyRecorder _recorder;

    public LatencyRecordingHandler(LatencyRecorder recorder)
    {
        _recorder = recorder;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEvent(ref LatencyEvent entry, long sequence, bool endOfBatch) =>
        _recorder.Record(entry.SendTicks, entry.IntendedTicks);

    public void OnBatchStart(long batchSize, long availableCount)
    {
    }

    public void OnStart()
    {
    }

    public void OnShutdown()
    {
    }

    public void OnTimeout(long sequence)
    {
    }
}
