using System.Collections.Generic;

namespace Pipeline.Streams.Tests;

internal sealed class RecordingSink<T> : ISink<T>
{
    public List<T> Values { get; } = new();

    public List<long> Times { get; } = new();

    public void OnNext(in T value, long eventTime)
    {
        Values.Add(value);
        Times.Add(eventTime);
    }
}
