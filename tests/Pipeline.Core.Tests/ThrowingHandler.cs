using System;
using System.Collections.Generic;
using System.Threading;
using Pipeline.Core.Processing;

namespace Pipeline.Core.Tests;

/// <summary>Throws <see cref="InvalidOperationException"/> for the chosen sequences and records the rest.</summary>
internal sealed class ThrowingHandler : IEventHandler<TestEvent>
{
    private readonly HashSet<long> _failOn;
    private long _handled;
    private long _attempted;
    private long _lastHandled = -1;

    public ThrowingHandler(params long[] failOn)
    {
        _failOn = [.. failOn];
    }

    public long Handled => Interlocked.Read(ref _handled);

    public long Attempted => Interlocked.Read(ref _attempted);

    public long LastHandled => Interlocked.Read(ref _lastHandled);

    public static string MessageFor(long sequence) => $"poisoned event {sequence}";

    public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch)
    {
        Interlocked.Increment(ref _attempted);
        if (_failOn.Contains(sequence))
        {
            throw new InvalidOperationException(MessageFor(sequence));
        }

        Interlocked.Increment(ref _handled);
        Interlocked.Exchange(ref _lastHandled, sequence);
    }
}
