using System;
using System.Threading;
using Pipeline.Core.Sequencing;

namespace Pipeline.Core.Waiting;

/// <summary>Parks waiting consumers: idle costs no CPU, at the price of wake-up latency.</summary>
/// <remarks>
/// Unlike classic Disruptor blocking strategies, a consumer waiting on an earlier stage (not only on the producer)
/// also parks, because processors signal after they advance; a signal with no waiter takes no lock; and a signal
/// wakes only the waiters whose sequence is now available, not every parked thread.
/// </remarks>
// Design: each parked thread has its own Waiter (its own monitor, the sequence it needs and the sequences it
// depends on) registered in _slots. A waiter takes its monitor, registers (Interlocked: a full fence), then re-reads
// the sequences before Monitor.Wait. A signaller has already written its sequence, then issues a full fence, and
// for each registered waiter re-evaluates that waiter's condition and pulses it only if it now holds. Either the
// waiter sees the new sequence and does not park, or the signaller sees the waiter (Dekker's pattern); when a
// waiter depends on several sequences, the last writer to fence sees all the others' writes, so the signal that
// makes the condition true is never lost. The pulse takes the waiter's monitor, which the waiter holds until it is
// inside Monitor.Wait, so a pulse cannot land between its last check and its sleep.
// One shared monitor pulsed for every signal (the previous design) woke every parked stage on every batch of every
// stage: on a 6-stage pipeline that was ~6 context switches and a monitor convoy per batch.
public sealed class BlockingWaitStrategy : IWaitStrategy
{
    // More parked threads than this on one strategy fall back to waits of at most 1 ms (correct, only slower).
    private const int Capacity = 64;

    [ThreadStatic]
    private static Waiter? t_waiter;

    private readonly Waiter?[] _slots = new Waiter?[Capacity];
    private readonly WaitTimeout _timeout;
    private int _waiters;

    // One past the highest slot ever registered: a signal scans only that far (a pipeline has a few waiters).
    private int _slotsInUse;

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

        return WaitSlow(sequence, dependents, _timeout.StartTimestamp(), token);
    }

    // Also the blocking phase of PhasedWaitStrategy, whose timeout started with its spin phase: start is the
    // timestamp the timeout counts from (WaitTimeout.StartTimestamp of the same timeout).
    internal long WaitSlow(long sequence, DependentSequenceGroup dependents, long start, CancellationToken token)
    {
        Waiter waiter = t_waiter ??= new Waiter();
        waiter.Sequence = sequence;
        waiter.Dependents = dependents;
        waiter.Token = token;
        lock (waiter)
        {
            int slot = Register(waiter);
            try
            {
                long available;
                while ((available = dependents.Value) < sequence)
                {
                    token.ThrowIfCancellationRequested();
                    int wait = slot < 0 ? 1 : -1;
                    if (!_timeout.IsInfinite)
                    {
                        int remaining = _timeout.RemainingMilliseconds(start);
                        if (remaining == 0)
                        {
                            return dependents.Value;
                        }

                        wait = wait < 0 ? remaining : Math.Min(wait, remaining);
                    }

                    Monitor.Wait(waiter, wait);
                }

                return available;
            }
            finally
            {
                Unregister(slot);
                waiter.Dependents = null;
            }
        }
    }

    // Waiters registered for a wake-up (parked, or about to park): for tests, which poll it until a waiter parks.
    internal int RegisteredWaiters => Volatile.Read(ref _waiters);

    private int Register(Waiter waiter)
    {
        Interlocked.Increment(ref _waiters);
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is null && Interlocked.CompareExchange(ref _slots[i], waiter, null) is null)
            {
                // Raised before the waiter re-reads its sequences, like the registration itself (see Design).
                int inUse;
                while ((inUse = Volatile.Read(ref _slotsInUse)) <= i
                    && Interlocked.CompareExchange(ref _slotsInUse, i + 1, inUse) != inUse)
                {
                }

                return i;
            }
        }

        return -1;
    }

    private void Unregister(int slot)
    {
        if (slot >= 0)
        {
            Volatile.Write(ref _slots[slot], null);
        }

        Interlocked.Decrement(ref _waiters);
    }

    /// <inheritdoc />
    public void SignalAllWhenBlocking()
    {
        // The full fence orders the caller's sequence write before the reads of the registrations (see Design).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiters) != 0)
        {
            WakeReady();
        }
    }

    private void WakeReady()
    {
        Waiter?[] slots = _slots;
        int inUse = Volatile.Read(ref _slotsInUse);
        for (int i = 0; i < inUse; i++)
        {
            Waiter? waiter = Volatile.Read(ref slots[i]);
            if (waiter is not null && waiter.IsReady())
            {
                lock (waiter)
                {
                    Monitor.Pulse(waiter);
                }
            }
        }
    }

    private sealed class Waiter
    {
        public long Sequence;
        public DependentSequenceGroup? Dependents;
        public CancellationToken Token;

        // Read by signallers while the owner may be re-arming for another wait: a stale answer only costs a spurious
        // pulse (the owner re-checks) or a missed one that the owner's own re-check after registering covers.
        public bool IsReady()
        {
            DependentSequenceGroup? dependents = Volatile.Read(ref Dependents);
            return dependents is null || Token.IsCancellationRequested || dependents.Value >= Volatile.Read(ref Sequence);
        }
    }
}
