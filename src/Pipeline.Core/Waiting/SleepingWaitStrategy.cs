using System;
using System.Threading;

namespace Pipeline.Core.Waiting;

/// <summary>Spins, then yields, then sleeps between polls: little CPU at idle, latency up to the sleep.</summary>
public sealed class SleepingWaitStrategy : SpinningWaitStrategy
{
    private const int SpinTries = 100;
    private const int YieldTries = 200;
    private readonly int _sleepMilliseconds;

    /// <summary>
    /// Creates the strategy; it sleeps <paramref name="sleep"/> (1 ms by default) per poll once spinning and
    /// yielding found nothing; with <paramref name="timeout"/>, a wait gives up after that long.
    /// </summary>
    public SleepingWaitStrategy(TimeSpan? sleep = null, TimeSpan? timeout = null)
        : base(timeout)
    {
        TimeSpan s = sleep ?? TimeSpan.FromMilliseconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThan(s, TimeSpan.FromMilliseconds(1), nameof(sleep));
        _sleepMilliseconds = (int)s.TotalMilliseconds;
    }

    /// <inheritdoc />
    protected override void BackOff(int attempt)
    {
        if (attempt < SpinTries)
        {
            Thread.SpinWait(1);
        }
        else if (attempt < YieldTries)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(_sleepMilliseconds);
        }
    }
}
