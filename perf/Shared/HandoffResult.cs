using System;
using System.Globalization;

namespace Pipeline.Perf;

/// <summary>The handoff probe's result: nanoseconds per round trip (median of five samples, and their range).</summary>
internal readonly record struct HandoffResult(double RoundTripNs, double MinRoundTripNs, double MaxRoundTripNs, DateTime MeasuredAtUtc)
{
    /// <summary>One one-way handoff of the cache line: half a round trip.</summary>
    public double OneWayNs => RoundTripNs / 2;

    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture,
        "handoff probe: {0:F0} ns per round trip = {1:F0} ns per one-way handoff (median of 5 x 20 ms; round trip range {2:F0}-{3:F0} ns) at {4:HH:mm:ss}Z",
        RoundTripNs,
        OneWayNs,
        MinRoundTripNs,
        MaxRoundTripNs,
        MeasuredAtUtc);
}
