using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Ingest;

// A wake-up for async waiters that re-check their condition after every pulse. Pulse is one volatile read when
// nobody waits, so the ack path can call it freely. Any number of waiters may share it (the connection's reader
// and its reads, which wait for room in the output).
// Design: _waiter is the source of the next pulse: the first waiter installs one (CAS from null) and later waiters
// share it; a pulse takes it with Interlocked.Exchange, so it is completed at most once and the next wait installs
// a new one. A waiter checks its condition after it got the task, so a pulse between its check and its wait is
// not lost: that pulse completes the task it holds. Waits are bounded anyway (at most 100 ms).
internal sealed class AsyncSignal
{
    private TaskCompletionSource? _waiter;

    public Task WaitAsync()
    {
        while (true)
        {
            TaskCompletionSource? current = Volatile.Read(ref _waiter);
            if (current is not null)
            {
                return current.Task;
            }

            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Interlocked.CompareExchange(ref _waiter, created, null) is null)
            {
                return created.Task;
            }
        }
    }

    public void Pulse()
    {
        if (Volatile.Read(ref _waiter) is not null)
        {
            Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
        }
    }
}
