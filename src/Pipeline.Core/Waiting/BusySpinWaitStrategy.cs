using System;
using System.Threading;

namespace Pipeline.Core.Waiting;

/// <summary>Spins on the CPU: lowest latency, one core burnt per waiting consumer.</summary>
/// <remarks>Opt-in only, for machines with a spare core per consumer; with more spinners than cores it stalls.</remarks>
public sealed class BusySpinWaitStrategy : SpinningWaitStrategy
{
    /// <summary>Creates the strategy; with <paramref name="timeout"/>, a wait gives up after that long.</summary>
    public BusySpinWaitStrategy(TimeSpan? timeout = null)
        : base(timeout)
    {
    }

    /// <inheritdoc />
    protected override void BackOff(int attempt) => Thread.SpinWait(1);
}
