namespace Pipeline.PerfReport;

/// <summary>
/// One peer run (Marten, Redis, NATS...): Pipeline.Peers' per-run JSON (<c>kind: peer</c>), read as written. Only the
/// peers stage reads it; summary.json carries its figures as a <see cref="PeerStageRun"/>.
/// </summary>
internal sealed class PeerRun
{
    public string Name { get; set; } = string.Empty;

    public string Kind { get; init; } = "peer";

    public string System { get; init; } = string.Empty;

    /// <summary>The system's durability and speed settings in force, in one line.</summary>
    public string? Settings { get; init; }

    public bool FsyncBeforeAck { get; init; }

    /// <summary><c>append</c>, <c>read</c> or <c>subscribe</c>.</summary>
    public string? Workload { get; init; }

    public string? Mode { get; init; }

    public double? TargetRate { get; init; }

    public int Connections { get; init; }

    public double DurationSeconds { get; init; }

    public long Events { get; init; }

    public long Acked { get; init; }

    public long Errors { get; init; }

    /// <summary>Open loop: measured events still unsent at the end (the system fell behind the rate).</summary>
    public long Unsent { get; init; }

    public double Throughput { get; init; }

    public bool Failed { get; init; }

    public string? Failure { get; init; }

    /// <summary>Why the run did not happen (the system is not installed); null when it ran.</summary>
    public string? Skipped { get; init; }

    public string? Hgrm { get; init; }

    public LatencyStats? LatencyUs { get; init; }

    public LatencyStats? ServiceUs { get; init; }

    public PeerReadStats? Read { get; init; }

    public PeerSubscribeStats? Subscribe { get; init; }
}
