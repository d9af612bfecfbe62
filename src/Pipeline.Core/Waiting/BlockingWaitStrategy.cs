using System;
using System.Threading;
using Pipeline.Core.Sequencing;

namespace Pipeline.Core.Waiting;

/// <summary>Parks waiting consumers on a monitor: idle costs no CPU, at the price of wake-up latency.</summary>
/// <remarks>
/// Unlike classic Disruptor blocking strategies, a consumer waiting on an earlier stage (not only on the producer)
/// also parks, because processors signal after they advance; and a signal with no waiter takes no lock.
/// </remarks>
// Design: a waiter takes _gate, registers in _waiters (Interlocked: a full fence), then re-reads the sequences
// before Monitor.Wait. A signaller has already written its sequence, then issues a full fence and reads _waiters.
// This is Dekker's pattern: either the waiter sees the new sequence and does not park, or the signaller sees the
// waiter and pulses under _gate, which it can only take once the waiter is inside Monitor.Wait. Without the
// signaller's fence the store of the sequence could be ordered after the read of _waiters (store-load), and a
// wake-up would be lost.
public sealed class BlockingWaitStrategy : IWaitStrategy
{
    private readonly object _gate = new();
    private readonly WaitTimeout _timeout;
    private int _waiters;

    /// <summary>Creates the strategy; with <paramref name="timeout"/>, a wait gives up after that long.</summary>
    public BlockingWaitStrategy(TimeSpan? timeout = null)
    {
        _timeout = new WaitTimeout(timeout);
    }

    /// <inheritdoc />
    public bool IsBlockingStrategy => true;

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

    private long WaitSlow(long sequence, DependentSequenceGroup dependents, CancellationToken token)
    {
        long start = _timeout.StartTimestamp();
        lock (_gate)
        {
            Interlocked.Increment(ref _waiters);
            try
            {
                long available;
                while ((available = dependents.Value) < sequence)
                {
                    token.ThrowIfCancellationRequested();
                    if (_timeout.IsInfinite)
                    {
                        Monitor.Wait(_gate);
                    }
                    else
                    {
                        int remaining = _timeout.RemainingMilliseconds(start);
                        if (remaining == 0 || !Monitor.Wait(_gate, remaining))
                        {
                            return dependents.Value;
                        }
                    }
                }

                return available;
            }
            finally
            {
                Interlocked.Decrement(ref _waiters);
            }
        }
    }

    /// <inheritdoc />
    public void SignalAllWhenBlocking()
    {
        // The full fence orders the caller's sequence write before the read of _waiters (see Design).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiters) != 0)
        {
            PulseSlow();
        }
    }

    private void PulseSlow()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }
}
