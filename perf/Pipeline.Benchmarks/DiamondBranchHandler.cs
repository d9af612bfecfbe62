using System.Runtime.CompilerServices;
using Pipeline.Core.Processing;

namespace Pipeline.Benchmarks;

/// <summary>Diamond stages B and C (one type, so that they form one parallel stage): copy the value to their own field.</summary>
internal readonly struct DiamondBranchHandler : IEventHandler<DiamondEvent>
{
    private readonly bool _left;

    public DiamondBranchHandler(bool left)
    {
        _left = left;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEvent(ref DiamondEvent entry, long sequence, bool endOfBatch)
    {
        if (_left)
        {
            entry.Left = entry.Value;
        }
        else
        {
            entry.Right = entry.Value * 2;
        }
    }

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
