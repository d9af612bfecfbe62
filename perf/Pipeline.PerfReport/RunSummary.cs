using System;
using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>summary.json: everything one perf run measured, in one file that <c>compare</c> reads back.</summary>
internal sealed class RunSummary
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public DateTime CreatedAtUtc { get; init; }

    public string Directory { get; init; } = string.Empty;

    public ProbeReport? Probes { get; init; }

    public List<LoadRun> Load { get; init; } = [];

    public List<RecoveryRun> Recovery { get; init; } = [];

    /// <summary>The consumers stage's load runs (consumers/*.json of kind load): with and without subscribers.</summary>
    public List<LoadRun> Consumers { get; init; } = [];

    /// <summary>The consumers stage's catch-up runs (consumers/*.json of kind catchup).</summary>
    public List<CatchupRun> Catchup { get; init; } = [];

    /// <summary>The peers stage (peers/): Pipeline and other stores on the same workloads; null when it did not run.</summary>
    public PeersSummary? Peers { get; set; }

    public List<BenchmarkResult> Benchmarks { get; init; } = [];

    /// <summary>The ring latency harness's runs (micro/latency/latency.json), empty when it did not run.</summary>
    public List<RingLatencyRun> RingLatency { get; init; } = [];

    /// <summary>The harness's own handoff probe before its first scenario; null when latency.json has none.</summary>
    public HandoffProbeResult? RingLatencyHandoffStart { get; set; }

    /// <summary>The harness's handoff probe after its last scenario; null when latency.json has none.</summary>
    public HandoffProbeResult? RingLatencyHandoffEnd { get; set; }

    /// <summary>Why the micro-benchmark stage failed (run-perf.sh writes micro/failed.txt); null when it did not.</summary>
    public string? MicroFailure { get; init; }

    /// <summary>The latency plot's file name next to summary.json; null when no load run succeeded.</summary>
    public string? Plot { get; set; }

    /// <summary>One line per failure: a failed run, the micro stage, or a result file that could not be read.</summary>
    public List<string> Failures { get; init; } = [];

    public List<string> Notes { get; init; } = [];
}
