using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>
/// The peers stage in summary.json: the same workloads against Pipeline and other stores (peers/), every run, each
/// system's medians per workload, and the table's rows with Pipeline's ratio to each peer.
/// </summary>
internal sealed class PeersSummary
{
    /// <summary>Every system seen, Pipeline's first, skipped ones included.</summary>
    public List<PeerSystemLine> Systems { get; init; } = [];

    /// <summary>The ratio columns: which peer is set against which of Pipeline's systems.</summary>
    public List<PeerPairing> Pairings { get; init; } = [];

    /// <summary>The table's rows.</summary>
    public List<PeerMeasure> Measures { get; init; } = [];

    /// <summary>Each system's medians per workload: what <c>compare</c> pairs.</summary>
    public List<PeerFigures> Figures { get; init; } = [];

    /// <summary>Every run file of the stage, in name order.</summary>
    public List<PeerStageRun> Runs { get; init; } = [];

    /// <summary>The open-loop append latency plot's file name next to summary.json; null when no curve could be drawn.</summary>
    public string? Plot { get; set; }

    /// <summary>The live delivery latency plot's file name; null when no curve could be drawn.</summary>
    public string? DeliveryPlot { get; set; }
}
