using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>One row of the peers table: one measure, every system's figure and Pipeline's ratio to each peer.</summary>
internal sealed class PeerMeasure
{
    /// <summary>The workload as named (<c>append-open-10k</c>).</summary>
    public string Workload { get; init; } = string.Empty;

    /// <summary>The figure: <c>throughput</c>, <c>p50</c>, <c>p99</c>, <c>p99.9</c>, <c>stream p50</c>, <c>stream p99</c>, <c>catch-up</c>.</summary>
    public string Figure { get; init; } = string.Empty;

    /// <summary>The row's title with its unit: "append, open loop 10k/s: p99 µs".</summary>
    public string Label { get; init; } = string.Empty;

    public bool HigherIsBetter { get; init; }

    /// <summary>How the ratios are taken: "pipeline ÷ peer" (throughput) or "peer ÷ pipeline" (latency).</summary>
    public string Direction { get; init; } = string.Empty;

    public List<PeerMeasureValue> Values { get; init; } = [];

    /// <summary>One per <see cref="PeersSummary.Pairings"/>, in its order.</summary>
    public List<PeerRatio> Ratios { get; init; } = [];
}
