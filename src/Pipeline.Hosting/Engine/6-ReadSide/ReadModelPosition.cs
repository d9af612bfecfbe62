using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Hosting.Engine;

/// <summary>The journal sequence the read model reflects, and the queries waiting for it (read-your-writes).</summary>
// Design: the read-model stage is the only writer; it publishes the position after the batch's changes (and after the
// model's own Publish), so a reader that sees a position also sees every change up to it. Waiters for a position are
// kept under _waitGate; the writer checks them only when _waiterCount says there are any.
internal sealed class ReadModelPosition
{
    private readonly object _waitGate = new();
    private readonly List<(long MinSequence, TaskCompletionSource<bool> Done)> _waiters = [];
    private long _position;
    private int _waiterCount;

    public ReadModelPosition(long start)
    {
        _position = start;
    }

    public long Value => Volatile.Read(ref _position);

    // Writer thread only: publishes the batch's position and wakes the queries it satisfies.
    public void Advance(long position)
    {
        Volatile.Write(ref _position, position);
        if (Volatile.Read(ref _waiterCount) != 0)
        {
            ReleaseWaitersSlow(position);
        }
    }

    private void ReleaseWaitersSlow(long position)
    {
        lock (_waitGate)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].MinSequence <= position)
                {
                    _waiters[i].Done.TrySetResult(true);
                    _waiters.RemoveAt(i);
                }
            }

            Volatile.Write(ref _waiterCount, _waiters.Count);
        }
    }

    /// <summary>Completes with true once the position reaches <paramref name="minSequence"/>, false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForAsync(long minSequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Value >= minSequence)
        {
            return true;
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitGate)
        {
            _waiters.Add((minSequence, done));
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }

        // The writer may have advanced between the first check and the registration.
        if (Value >= minSequence)
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
            return Value >= minSequence;
        }
    }

    private void Remove(TaskCompletionSource<bool> done)
    {
        lock (_waitGate)
        {
            _waiters.RemoveAll(w => w.Done == done);
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }
    }
}
