using System.Threading;

namespace Pipeline.Core.Tests;

/// <summary>
/// What a consumer saw: it expects sequences 0, 1, 2, ... each exactly once, each carrying its own sequence as the
/// payload. Keeps the first violation (a handler must not assert: the processor would catch the exception).
/// </summary>
internal sealed class ContiguityRecord
{
    private long _count;
    private long _next;
    private string? _firstViolation;

    public long Count => Volatile.Read(ref _count);

    public long NextExpected => Volatile.Read(ref _next);

    public string? FirstViolation => Volatile.Read(ref _firstViolation);

    public void Observe(long sequence, long payload)
    {
        if (sequence != _next)
        {
            Violate($"expected sequence {_next} but got {sequence}");
        }
        else if (payload != sequence)
        {
            Violate($"sequence {sequence} carried payload {payload}");
        }

        Volatile.Write(ref _next, sequence + 1);
        Volatile.Write(ref _count, _count + 1);
    }

    public void Violate(string violation) => Interlocked.CompareExchange(ref _firstViolation, violation, null);
}
