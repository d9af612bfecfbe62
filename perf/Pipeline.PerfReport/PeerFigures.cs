using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>
/// One system's figures for one workload of the peers stage: the median over its rounds that ran and passed. A
/// figure is null when no such round measured it.
/// </summary>
internal sealed class PeerFigures
{
    public string System { get; init; } = string.Empty;

    public string Workload { get; init; } = string.Empty;

    public string Family { get; init; } = string.Empty;

    public double? Rate { get; init; }

    /// <summary>Every run of it, in round order.</summary>
    public List<string> Runs { get; init; } = [];

    /// <summary>The runs that failed.</summary>
    public List<string> FailedRuns { get; init; } = [];

    /// <summary>The first failed run's reason; null when none failed.</summary>
    public string? Failure { get; init; }

    /// <summary>Why it did not run; null when at least one round ran.</summary>
    public string? Skipped { get; init; }

    /// <summary>Rounds that ran and passed: the medians are over these.</summary>
    public int Rounds { get; init; }

    /// <summary>Some round fell behind its open-loop rate: the latencies are lower bounds.</summary>
    public bool FellBehind { get; init; }

    public double? Throughput { get; init; }

    /// <summary>The workload's latency: append latency (append workloads) or delivery latency (subscribe), µs.</summary>
    public double? P50 { get; init; }

    public double? P99 { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("p99_9")]
    public double? P999 { get; init; }

    public double? StreamReadP50 { get; init; }

    public double? StreamReadP99 { get; init; }

    public double? CatchupEventsPerSecond { get; init; }

    /// <summary>The key <c>compare</c> pairs figures by: "marten append-open-10k".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => System + " " + Workload;
}
