using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Testing;

/// <summary>A counter that tests can await: "until at least N things happened", bounded by <see cref="TestTimeouts.Default"/>.</summary>
/// <remarks>Thread-safe: any thread adds; any thread waits.</remarks>
public sealed class CountSignal
{
    private readonly object _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _count;

    /// <summary>The count now.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Adds <paramref name="delta"/> and releases the waiters whose target is reached.</summary>
    public void Add(long delta = 1)
    {
        List<TaskCompletionSource>? release = null;
        lock (_gate)
        {
            long count = Interlocked.Add(ref _count, delta);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (count >= _waiters[i].Target)
                {
                    (release ??= []).Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        if (release is not null)
        {
            foreach (TaskCompletionSource done in release)
            {
                done.TrySetResult();
            }
        }
    }

    /// <summary>Completes once the count is at least <paramref name="target"/>.</summary>
    /// <exception cref="TimeoutException">It did not get there within <see cref="TestTimeouts.Default"/>.</exception>
    public Task WaitForAsync(long target)
    {
        lock (_gate)
        {
            if (_count >= target)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            return WaitBoundedAsync(done.Task, target);
        }
    }

    private async Task WaitBoundedAsync(Task done, long target)
    {
        try
        {
            await done.WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The count reached {Count}, not {target}, within {TestTimeouts.Default}.", ex);
        }
    }
}
