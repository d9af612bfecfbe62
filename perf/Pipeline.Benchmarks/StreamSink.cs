using Pipeline.Streams;

namespace Pipeline.Benchmarks;

/// <summary>Keeps a count and a checksum of what a flow emits, so the JIT cannot drop the work and the sink costs almost nothing.</summary>
internal sealed class StreamSink<T> : ISink<T>
{
    public long Count { get; private set; }

    public T? Last { get; private set; }

    public void OnNext(in T value, long eventTime)
    {
        Count++;
        Last = value;
    }
}
