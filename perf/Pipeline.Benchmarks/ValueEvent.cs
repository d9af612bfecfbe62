namespace Pipeline.Benchmarks;

/// <summary>The ring entry of the linear benchmarks: one value, written by the producer (and stages).</summary>
internal struct ValueEvent
{
    public long Value;
}
