using System;
using System.Threading;

namespace Pipeline.Benchmarks;

/// <summary>
/// Tells the benchmark thread that the last consumer has seen the invocation's last event: the benchmark arms
/// it with the expected final sequence (or count) before publishing, the consumer sets it when it gets there.
/// </summary>
// Design: _target is written by the benchmark thread before it publishes the invocation's first event and read
// by the consumer after it observed a published event (acquire through the ring cursor or the channel's lock),
// so the consumer always compares against the current target. The event is reset by the benchmark thread only
// after the previous invocation's Wait returned, when no consumer will set it.
internal sealed class CompletionSignal : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly ManualResetEventSlim _done = new(false);
    private long _target = long.MaxValue;

    public long Target => Volatile.Read(ref _target);

    public void Arm(long target)
    {
        _done.Reset();
        Volatile.Write(ref _target, target);
    }

    public void Set() => _done.Set();

    public void Wait()
    {
        if (!_done.Wait(s_timeout))
        {
            throw new TimeoutException("The consumer did not reach the last event within 60 s; the pipeline is stuck.");
        }
    }

    public void Dispose() => _done.Dispose();
}
