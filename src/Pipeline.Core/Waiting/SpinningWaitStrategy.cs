using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Pipeline.Core.Sequencing;

namespace Pipeline.Core.Waiting;

/// <summary>
/// Shared loop of the non-blocking strategies: poll the dependencies, back off one step per failed poll.
/// </summary>
public abstract class SpinningWaitStrategy : IWaitStrategy
{
    private readonly WaitTimeout _timeout;

    /// <summary>Creates the strategy; with <paramref name="timeout"/>, a wait gives up after that long.</summary>
    protected SpinningWaitStrategy(TimeSpan? timeout)
    {
        _timeout = new WaitTimeout(timeout);
    }

    /// <inheritdoc />
    public bool IsBlockingStrategy => false;

    /// <inheritdoc />
    public long WaitFor(long sequence, DependentSequenceGroup dependents, CancellationToken token)
    {
        long available = dependents.Value;
        if (available >= sequence)
        {
            return available;
        }

        return WaitSlow(sequence, dependents, token);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long WaitSlow(long sequence, DependentSequenceGroup dependents, CancellationToken token)
    {
        long start = _timeout.StartTimestamp();
        int attempt = 0;
        long available;
        while ((available = dependents.Value) < sequence)
        {
            token.ThrowIfCancellationRequested();
            if (_timeout.HasElapsed(start))
            {
                return available;
            }

            BackOff(attempt);
            attempt++;
        }

        return available;
    }

    /// <summary>One step of waiting after <paramref name="attempt"/> failed polls.</summary>
    protected abstract void BackOff(int attempt);

    /// <inheritdoc />
    public void SignalAllWhenBlocking()
    {
    }
}
