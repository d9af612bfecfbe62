namespace Pipeline.PerfReport;

/// <summary>One line of an HdrHistogram percentile distribution: latency <paramref name="Value"/> at <paramref name="Percentile"/> (0-100).</summary>
internal readonly record struct HgrmPoint(double Value, double Percentile, long TotalCount);
