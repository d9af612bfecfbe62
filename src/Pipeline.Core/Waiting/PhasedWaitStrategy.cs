using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using Pipeline.Core.Sequencing;

namespace Pipeline.Core.Waiting;

/// <summary>Spins, then yields, then parks until signalled: fast under load, idle when idle.</summary>
/// <remarks>
/// A wait polls its dependencies with <see cref="Thread.SpinWait(int)"/> for a bounded number of polls, then with
/// <see cref="Thread.Yield"/> for a bounded time, then parks exactly like <see cref="BlockingWaitStrategy"/> until
/// a producer or processor signals. A consumer that keeps up with a busy producer finds its sequence while spinning
/// or yielding and never pays a wake-up; an idle one costs a parked thread and no CPU. Producers and processors
/// signal after every advance (<see cref="IsBlockingStrategy"/> is true); a signal while no waiter is parked costs a
/// full fence and one read, and takes no lock. <see cref="WaitFor"/> blocks the calling consumer thread and does not
/// allocate after a thread's first park.
/// </remarks>
// Design: the strategy has no mutable state of its own. Its fields are readonly, written by the constructor and
// published with the instance; a wait's progress through the phases (polls done, the yield deadline) lives in the
// waiting thread's locals. The only shared state is the waiter registry of the inner BlockingWaitStrategy, which
// this strategy reuses for its blocking phase and its signal, so that type's Design argument holds unchanged:
// - While a waiter spins or yields it is not registered: a signal finds nobody and costs its fence and one read of
//   the waiter count. The waiter sees the advance on its next poll (sequence reads are acquire, writes release).
// - At the phase change it registers (a full fence) and re-reads its sequences before Monitor.Wait, and every
//   signaller fences after writing its sequence before reading the registry (Dekker's pattern). An advance between
//   the waiter's last poll and its registration is caught by that re-read; one after the registration is caught by
//   the signaller. No wake-up is lost when a waiter moves from yielding to blocking; no extra fence is needed here.
// Halt: the spin and yield phases check the token on every poll; the blocking phase re-checks it when woken, and
// the token's registration (SequenceBarrier registers SignalAllWhenBlocking) wakes it, as with BlockingWaitStrategy.
// Timeout: counted from the start of the spin phase; the blocking phase gets what is left of it.
public sealed class PhasedWaitStrategy : IWaitStrategy
{
    // Polls of Thread.SpinWait(1), a few microseconds in all: long enough to catch a handoff from a producer that is
    // running on the other core, short enough not to take that core from a thread that needs it (2 cores).
    private const int DefaultSpinTries = 100;

    // 100 us of Thread.Yield (each about a microsecond when nothing else is ready): several times a park/unpark round
    // trip (futex wake + context switch, 10-50 us on a VM), so a wait that ends within it never pays a wake-up, while
    // an idle consumer stops polling after 0.1 ms. Yielding lets the other threads of a pipeline that outnumber the
    // cores (4 threads on 2 cores for producer + 3 stages) run in the meantime.
    private static readonly TimeSpan s_defaultYieldTime = TimeSpan.FromMicroseconds(100);

    // A longer yield phase is the yielding strategy: it would no longer be idle when idle.
    private static readonly TimeSpan s_maxYieldTime = TimeSpan.FromSeconds(1);

    private readonly int _spinTries;
    private readonly long _yieldTicks;
    private readonly WaitTimeout _timeout;
    private readonly BlockingWaitStrategy _blocking;

    /// <summary>
    /// Creates the strategy: <paramref name="spinTries"/> spin polls (100 by default, 0 to skip the phase), then
    /// yield polls for <paramref name="yieldTime"/> (100 µs by default, zero to skip, at most 1 s), then a park;
    /// with <paramref name="timeout"/>, a wait gives up after that long in all.
    /// </summary>
    public PhasedWaitStrategy(int spinTries = DefaultSpinTries, TimeSpan? yieldTime = null, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spinTries);
        TimeSpan yield = yieldTime ?? s_defaultYieldTime;
        ArgumentOutOfRangeException.ThrowIfLessThan(yield, TimeSpan.Zero, nameof(yieldTime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(yield, s_maxYieldTime, nameof(yieldTime));
        _spinTries = spinTries;

        // At most 1 s (1e7 ticks) times the timestamp frequency (1e9 on Linux): no overflow.
        _yieldTicks = yield.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        _timeout = new WaitTimeout(timeout);
        _blocking = new BlockingWaitStrategy(timeout);
    }

    /// <inheritdoc />
    public bool IsBlockingStrategy => true;

    // Waiters in the blocking phase (parked, or about to park): for tests.
    internal int RegisteredWaiters => _blocking.RegisteredWaiters;

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
        long available;
        for (int spin = 0; spin < _spinTries; spin++)
        {
            token.ThrowIfCancellationRequested();
            if (_timeout.HasElapsed(start))
            {
                return dependents.Value;
            }

            Thread.SpinWait(1);
            if ((available = dependents.Value) >= sequence)
            {
                return available;
            }
        }

        if (_yieldTicks > 0)
        {
            long yieldStart = Stopwatch.GetTimestamp();
            do
            {
                token.ThrowIfCancellationRequested();
                if (_timeout.HasElapsed(start))
                {
                    return dependents.Value;
                }

                Thread.Yield();
                if ((available = dependents.Value) >= sequence)
                {
                    return available;
                }
            }
            while (Stopwatch.GetTimestamp() - yieldStart < _yieldTicks);
        }

        // Registers, re-reads the sequences and parks (see Design); it checks the token and the timeout first.
        return _blocking.WaitSlow(sequence, dependents, start, token);
    }

    /// <inheritdoc />
    public void SignalAllWhenBlocking() => _blocking.SignalAllWhenBlocking();
}
