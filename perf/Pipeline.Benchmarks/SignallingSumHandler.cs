using System.Runtime.CompilerServices;
using Pipeline.Core.Processing;

namespace Pipeline.Benchmarks;

/// <summary>The last stage: sums the values and sets the signal at the armed sequence.</summary>
/// <remarks>A struct so that BatchEventProcessor's generic instantiation devirtualises and inlines it; the
/// optional members are implemented so that the default interface methods never box it.</remarks>
internal struct SignallingSumHandler : IEventHandler<ValueEvent>
{
    private readonly CompletionSignal _signal;
    private long _sum;

    public SignallingSumHandler(CompletionSignal signal)
    {
        _signal = signal;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEvent(ref ValueEvent entry, long sequence, bool endOfBatch)
    {
        _sum += entry.Value;
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
