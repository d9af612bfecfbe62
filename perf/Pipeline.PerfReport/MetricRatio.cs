namespace Pipeline.PerfReport;

/// <summary>One figure of a run in A and B, and whether B/A crosses the regression threshold.</summary>
/// <param name="HigherIsBetter">True for throughput-like figures, false for latency-like ones.</param>
internal readonly record struct MetricRatio(string Metric, double A, double B, bool HigherIsBetter)
{
    /// <summary>A throughput ratio below this, or a latency ratio above <see cref="LatencyLimit"/>, is a regression.</summary>
    public const double ThroughputLimit = 0.9;

    public const double LatencyLimit = 1.1;

    public double Ratio => A == 0 ? (B == 0 ? 1 : double.PositiveInfinity) : B / A;

    public bool Regressed => HigherIsBetter ? Ratio < ThroughputLimit : Ratio > LatencyLimit;

    public bool Improved => HigherIsBetter ? Ratio > 1 / ThroughputLimit : Ratio < 1 / LatencyLimit;

    /// <summary>"1.02x", "1.35x!" (regression) or "0.70x+" (improvement).</summary>
    public string Cell => Format.Ratio(Ratio) + (Regressed ? "!" : Improved ? "+" : string.Empty);
}
