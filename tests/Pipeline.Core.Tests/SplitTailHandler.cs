using System.Collections.Generic;
using System.Threading;
using Pipeline.Core.Processing;

namespace Pipeline.Core.Tests;

/// <summary>The sequenced stage after a split: every entry must arrive owned by exactly one worker.</summary>
internal sealed class SplitTailHandler : IEventHandler<TestEvent>
{
    private readonly long[] _handledPerOwner;
    private long _count;
    private long _next;
    private string? _firstViolation;

    public SplitTailHandler(int owners)
    {
        _handledPerOwner = new long[owners];
    }

    public long Count => Volatile.Read(ref _count);

    public string? FirstViolation => Volatile.Read(ref _firstViolation);

    public IReadOnlyList<long> HandledPerOwner => _handledPerOwner;

    public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch)
    {
        if (sequence != _next || entry.Value != sequence)
        {
            Interlocked.CompareExchange(ref _firstViolation, $"expected {_next}, got {sequence} carrying {entry.Value}", null);
        }

        if (entry.Owner < 0 || entry.Owner >= _handledPerOwner.Length)
        {
            Interlocked.CompareExchange(ref _firstViolation, $"{sequence} reached the tail with owner {entry.Owner}", null);
        }
        else
        {
            _handledPerOwner[entry.Owner]++;
        }

        _next = sequence + 1;
        Volatile.Write(ref _count, _count + 1);
    }
}
