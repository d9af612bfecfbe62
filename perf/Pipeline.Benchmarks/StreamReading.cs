namespace Pipeline.Benchmarks;

internal readonly record struct StreamReading(long Key, double Value);
