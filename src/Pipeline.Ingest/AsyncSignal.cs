using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Ingest;

// A wake-up for one async waiter that re-checks its condition after every pulse. Pulse is one volatile read when
// nobody waits, so the ack path can call it freely.
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
