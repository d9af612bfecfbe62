using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Pipeline.Ingest;

/// <summary>
/// An auto-reset signal for one async waiter that allocates nothing per wait: the sender loop waits on it once per
/// flush, thousands of times a second per connection, and a SemaphoreSlim allocates a task for every wait that does
/// not complete at once, which made most of the server's garbage and its collections (docs/perf.md, issue 4's
/// "No garbage collection during a run").
/// </summary>
/// <remarks>
/// <see cref="Set"/> may be called by any thread, any number of times; sets before a wait collapse into one.
/// <see cref="WaitAsync"/> must not be called again before the previous wait completed. The continuation runs on
/// the thread pool, never inside <see cref="Set"/>, so the setter (the ack thread) is never borrowed.
/// </remarks>
// Design: _state (Unset, Signaled, Waiting) is the only shared field; every transition is a CompareExchange, so
// exactly one thread wins each one. The waiter (the connection's sender loop, one at a time) moves Signaled ->
// Unset (consume) or Unset -> Waiting (after resetting _core, which no setter touches before it reads Waiting).
// Setters (the ack thread, the reading thread, close) move Unset -> Signaled, or Waiting -> Unset and then complete
// _core: only the setter that won that exchange calls SetResult, so the core completes once per wait.
// RunContinuationsAsynchronously keeps the continuation off the setter's thread.
internal sealed class AsyncAutoResetSignal : IValueTaskSource
{
    private const int Unset = 0;
    private const int Signaled = 1;
    private const int Waiting = 2;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>Completes at once if the signal was set since the last wait, else at the next <see cref="Set"/>.</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Unset, Signaled) == Signaled)
        {
            return ValueTask.CompletedTask;
        }

        if (Volatile.Read(ref _state) == Waiting)
        {
            // Checked before the reset below, which would orphan the waiter's continuation.
            throw new InvalidOperationException("The signal already has a waiter.");
        }

        // No setter touches the core until the state says Waiting.
        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Unset) == Signaled)
        {
            Volatile.Write(ref _state, Unset); // set meanwhile: consume it
            return ValueTask.CompletedTask;
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>Wakes the waiter, or the next wait if there is none now.</summary>
    public void Set()
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Signaled:
                    return;
                case Unset:
                    if (Interlocked.CompareExchange(ref _state, Signaled, Unset) == Unset)
                    {
                        return;
                    }

                    break;
                default:
                    if (Interlocked.CompareExchange(ref _state, Unset, Waiting) == Waiting)
                    {
                        _core.SetResult(true);
                        return;
                    }

                    break;
            }
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
