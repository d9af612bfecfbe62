using System;
using System.Collections.Generic;
using System.Threading;

namespace Pipeline.Core.Processing;

/// <summary>The default failure sink: counts failures, keeps the most recent ones and forwards each to a callback.</summary>
/// <remarks>Thread-safe. Allocates only when a failure is reported.</remarks>
// Design: Report is called by any processor thread (several at once); Recent and Count by any thread. _count is
// advanced with Interlocked and read with Interlocked.Read, so a reader never sees a torn value on 32-bit. _recent is
// touched only under _gate. The callback runs outside the lock, on the reporting thread, so a slow callback holds up
// only its own processor; a count read meanwhile may already include a failure that Recent does not show yet.
public sealed class FailureLog : IFailureSink
{
    private readonly object _gate = new();
    private readonly Queue<HandlerFailure> _recent = new();
    private readonly int _capacity;
    private readonly Action<HandlerFailure>? _onFailure;
    private long _count;

    /// <summary>Creates a log that keeps the last <paramref name="capacity"/> failures and calls <paramref name="onFailure"/> for each.</summary>
    public FailureLog(int capacity = 64, Action<HandlerFailure>? onFailure = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _onFailure = onFailure;
    }

    /// <summary>How many failures were reported in all.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>A copy of the most recent failures, oldest first.</summary>
    public IReadOnlyList<HandlerFailure> Recent()
    {
        lock (_gate)
        {
            return _recent.ToArray();
        }
    }

    /// <inheritdoc />
    public void Report(in HandlerFailure failure)
    {
        Interlocked.Increment(ref _count);
        lock (_gate)
        {
            if (_recent.Count == _capacity)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(failure);
        }

        try
        {
            _onFailure?.Invoke(failure);
        }
#pragma warning disable CA1031 // A sink must never throw into the processor: a faulty callback is not the event's fault.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
