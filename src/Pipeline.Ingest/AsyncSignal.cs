using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Ingest;

// A wake-up for one async waiter that re-checks its condition after every pulse. Pulse is one volatile read when
// nobody waits, so the ack path can call it freely.
// Design: _waiter is written by the waiting thread (a new source per wait, release) and taken by any pulsing thread
// with Interlocked.Exchange, so one pulse completes a given source at most once. A pulse that lands before WaitAsync stored
// its source is lost; the waiter tolerates that because it re-checks its condition after storing the source and
// bounds every wait (IngestConnection.WaitForRoomAsync waits at most 100 ms).
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _waiter;

    public Task WaitAsync()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, tcs);
        return tcs.Task;
    }

    public void Pulse()
    {
        if (Volatile.Read(ref _waiter) is not null)
        {
            Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
        }
    }
}
