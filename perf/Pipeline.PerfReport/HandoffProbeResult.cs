namespace Pipeline.PerfReport;

/// <summary>The core-to-core handoff probe in JSON form: nanoseconds per round trip of one cache line.</summary>
internal sealed class HandoffProbeResult
{
    /// <summary>Median of the probe's samples; NaN when the second thread never got a core.</summary>
    public double RoundTripNs { get; init; }

    public double MinRoundTripNs { get; init; }

    public double MaxRoundTripNs { get; init; }

    public double OneWayNs => RoundTripNs / 2;
}
