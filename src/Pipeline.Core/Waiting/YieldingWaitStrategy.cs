using System;
using System.Threading;

namespace Pipeline.Core.Waiting;

/// <summary>Spins briefly, then yields the core to other ready threads between polls.</summary>
/// <remarks>Low latency without starving other threads; at idle it still keeps a core busy yielding.</remarks>
public sealed class YieldingWaitStrategy : SpinningWaitStrategy
{
    private const int SpinTries = 100;

    /// <summary>Creates the strategy; with <paramref name="timeout"/>, a wait gives up after that long.</summary>
    public YieldingWaitStrategy(TimeSpan? timeout = null)
        : base(timeout)
    {
    }

    /// <inheritdoc />
    protected override void BackOff(int attempt)
    {
        if (attempt < SpinTries)
        {
            Thread.SpinWait(1);
        }
        else
        {
            Thread.Yield();
        }
    }
}
