using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.EventStore;

/// <summary>
/// The highest event position readers may see: the engine advances it once the commands that caused those events
/// are durable, so a reader never hands out an event that a crash could still take back.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Advance"/> is meant for the engine's one acknowledgement thread (any thread may call
/// it); <see cref="Position"/> and <see cref="WaitForAsync"/> for any number of readers. The position never moves
/// backwards.
/// </remarks>
// Design: _position is written only through Interlocked.CompareExchange (a raise-only maximum, so two advancing
// threads cannot move it back) and read with Volatile.Read: a reader that sees position N also sees the events
// up to N that the writer flushed before calling Advance (release on the CAS, acquire on the read).
// Waiters (position, completion) live in _waiters under _gate. _waiterCount mirrors _waiters.Count so Advance skips
// the lock when nobody waits. The wake-up race is a Dekker pair: Advance raises _position (full fence: the CAS)
// then reads _waiterCount; a waiter registers under the lock and raises _waiterCount (full fence: Interlocked)
// then reads _position again. One of the two sees the other's write, so no waiter sleeps past its position.
// A waiter that times out or is cancelled removes its own entry; Task.WaitAsync disposes its timer when the wait
// ends, so nothing outlives a wait.
public sealed class VisibleHead
{
    private readonly object _gate = new();
    private readonly List<(long Position, TaskCompletionSource<bool> Done)> _waiters = [];
    private long _position;
    private int _waiterCount;

    /// <summary>Starts at <paramref name="position"/> (0: nothing visible; after a restart, the durable head).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is negative.</exception>
    public VisibleHead(long position = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        _position = position;
    }

    /// <summary>The highest visible position (0 when none).</summary>
    /// <remarks>An acquire read: the events up to it were flushed to the log before it was advanced.</remarks>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Makes the events up to <paramref name="position"/> visible and wakes the waits it satisfies; a lower position is ignored.</summary>
    /// <remarks>Call it only once those events are in the log files (flushed) and their commands are durable. Never blocks on I/O; takes a lock only when someone waits.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is negative.</exception>
    public void Advance(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        long current = Volatile.Read(ref _position);
        while (position > current)
        {
            long seen = Interlocked.CompareExchange(ref _position, position, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        if (Volatile.Read(ref _waiterCount) != 0)
        {
            WakeSlow();
        }
    }

    /// <summary>
    /// Completes with true once <see cref="Position"/> is at least <paramref name="position"/>, or with false when
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    /// <remarks>
    /// Completes synchronously, without allocating, when the position is already reached. Otherwise it registers a
    /// waiter that <see cref="Advance"/> completes: no polling. A zero timeout only checks.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public ValueTask<bool> WaitForAsync(long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "timeout must not be negative (or Timeout.InfiniteTimeSpan)");
        }

        if (Position >= position)
        {
            return new ValueTask<bool>(true);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (timeout == TimeSpan.Zero)
        {
            return new ValueTask<bool>(false);
        }

        return new ValueTask<bool>(WaitSlowAsync(position, timeout, cancellationToken));
    }

    /// <summary>How many waits are registered (for tests: a finished wait leaves nothing behind).</summary>
    internal int WaiterCount => Volatile.Read(ref _waiterCount);

    private async Task<bool> WaitSlowAsync(long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((position, done));
            Interlocked.Exchange(ref _waiterCount, _waiters.Count);
        }

        // Advance may have raised the position before the registration was visible to it.
        if (Position >= position)
        {
            Remove(done);
            return true;
        }

        try
        {
            return await done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Remove(done);
            return Position >= position;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Remove(done);
            throw;
        }
    }

    private void WakeSlow()
    {
        long position = Position;
        lock (_gate)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Position <= position)
                {
                    _waiters[i].Done.TrySetResult(true);
                    _waiters.RemoveAt(i);
                }
            }

            Volatile.Write(ref _waiterCount, _waiters.Count);
        }
    }

    private void Remove(TaskCompletionSource<bool> done)
    {
        lock (_gate)
        {
            int index = _waiters.FindIndex(w => w.Done == done);
            if (index >= 0)
            {
                _waiters.RemoveAt(index);
            }

            Volatile.Write(ref _waiterCount, _waiters.Count);
        }
    }
}
