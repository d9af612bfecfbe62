using System.Runtime.CompilerServices;
using Pipeline.Core.Processing;

namespace Pipeline.Benchmarks;

/// <summary>Diamond stage D: sums both branches' results and sets the signal at the armed sequence.</summary>
internal struct DiamondJoinHandler : IEventHandler<DiamondEvent>
{
    private readonly CompletionSignal _signal;
    private long _sum;

    public DiamondJoinHandler(CompletionSignal signal)
    {
        _signal = signal;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEvent(ref DiamondEvent entry, long sequence, bool endOfBatch)
    {
        _sum += entry.Left + entry.Right;
        if (sequence == _signal.Target)
        {
            _signal.Set();
        }
    }

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
