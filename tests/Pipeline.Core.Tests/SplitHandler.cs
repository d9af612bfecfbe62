using System.Threading;
using Pipeline.Core.Processing;

namespace Pipeline.Core.Tests;

/// <summary>One handler of a split stage: marks which worker took the entry and counts its share.</summary>
internal sealed class SplitHandler : IEventHandler<TestEvent>
{
    private readonly int _id;
    private readonly StageMark _requires;
    private long _count;
    private string? _firstViolation;

    public SplitHandler(int id, StageMark requires)
    {
        _id = id;
        _requires = requires;
    }

    public long Count => Volatile.Read(ref _count);

    public string? FirstViolation => Volatile.Read(ref _firstViolation);

    public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch)
    {
        if (entry.Owner != -1)
        {
            Interlocked.CompareExchange(ref _firstViolation, $"{sequence} already taken by {entry.Owner}", null);
        }

        if (entry.GetMark(_requires) != sequence)
        {
            Interlocked.CompareExchange(ref _firstViolation, $"{sequence} reached worker {_id} before stage {_requires}", null);
        }

        entry.Owner = _id;
        Volatile.Write(ref _count, _count + 1);
    }
}
