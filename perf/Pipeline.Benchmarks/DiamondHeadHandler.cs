using System.Runtime.CompilerServices;
using Pipeline.Core.Processing;

namespace Pipeline.Benchmarks;

/// <summary>Diamond stage A: adds one to the value in place.</summary>
internal struct DiamondHeadHandler : IEventHandler<DiamondEvent>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void OnEvent(ref DiamondEvent entry, long sequence, bool endOfBatch) => entry.Value++;

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
