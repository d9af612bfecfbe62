namespace Pipeline.PerfReport;

/// <summary>One BenchmarkDotNet case: its mean time and allocation per operation, as text and as numbers.</summary>
internal sealed class BenchmarkResult
{
    /// <summary>The benchmark class, without its namespace.</summary>
    public string Type { get; init; } = string.Empty;

    public string Method { get; init; } = string.Empty;

    /// <summary>The [Params] values, "N=1000, Size=64"; empty when the class has none.</summary>
    public string Parameters { get; init; } = string.Empty;

    public string Mean { get; init; } = string.Empty;

    public double? MeanNs { get; init; }

    public string Allocated { get; init; } = string.Empty;

    public double? AllocatedBytes { get; init; }

    public string DisplayName => Parameters.Length == 0 ? $"{Type}.{Method}" : $"{Type}.{Method}({Parameters})";
}
