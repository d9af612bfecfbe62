using System;
using System.Threading;

namespace Pipeline.Benchmarks;

/// <summary>A second producer thread for the 2P->1C benchmarks: parked between invocations, runs one batch of work per <see cref="Go"/>.</summary>
// Design: _work is set once before the thread starts; Go releases the semaphore once per invocation. The
// benchmark thread does not join the batch: it waits for the consumer, which cannot finish before this thread
// has published its share. _stop is a cold flag read after each wake-up.
internal sealed class SecondProducer : IDisposable
{
    private readonly SemaphoreSlim _go = new(0);
    private readonly Action _work;
    private readonly Thread _thread;
    private volatile bool _stop;

    public SecondProducer(Action work)
    {
        _work = work;
        _thread = new Thread(Run) { Name = "second-producer", IsBackground = true };
        _thread.Start();
    }

    public void Go() => _go.Release();

    private void Run()
    {
        while (true)
        {
            _go.Wait();
            if (_stop)
            {
                return;
            }

            _work();
        }
    }

    public void Dispose()
    {
        _stop = true;
        _go.Release();
        _thread.Join();
        _go.Dispose();
    }
}
