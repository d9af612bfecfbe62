using System.Runtime.CompilerServices;
using Pipeline.Core.Processing;

namespace Pipeline.Benchmarks;

/// <summary>An intermediate stage: adds one to the entry in place (the Channels baseline forwards value + 1).</summary>
internal struct IncrementHandler : IEventHandler<ValueEvent>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void OnEvent(ref ValueEvent entry, long sequence, bool endOfBatch) => entry.Value++;

    public readonly void OnBatchStart(long batchSize, long availableCount)
    {
    }

    public readonly void OnStart()
    {
    }

    public readonly void OnShutdown()
    {
    }

    public readonly void OnTimeout(long sequence)
    {
    }
}
