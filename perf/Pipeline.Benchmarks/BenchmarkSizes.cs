namespace Pipeline.Benchmarks;

/// <summary>Sizes shared by every throughput benchmark, so that the ring and the Channels baseline match.</summary>
internal static class BenchmarkSizes
{
    /// <summary>Events per invocation (OperationsPerInvoke): BDN's time and bytes per operation are per event.
    /// A multiple of 10 and 64 so that every batch size divides it.</summary>
    public const int EventsPerInvoke = 1_000_000;

    /// <summary>Ring slots, and the bounded channels' capacity.</summary>
    public const int BufferSize = 1 << 16;
}
