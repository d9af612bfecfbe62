namespace Pipeline.Streams.Tests;

/// <summary>Keeps only a count and the last value, so the allocation tests measure the flow and not the sink.</summary>
internal sealed class CountingSink<T> : ISink<T>
{
    public long Count { get; private set; }

    public T? Last { get; private set; }

    public void OnNext(in T value, long eventTime)
    {
        Count++;
        Last = value;
    }
}
