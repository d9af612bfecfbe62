namespace Pipeline.PerfReport;

/// <summary>
/// One end-to-end load run: LoadGen's per-run JSON (<c>kind: load</c>), read as written and copied into
/// summary.json after <see cref="SummaryBuilder"/> has marked a run with errors as failed.
/// </summary>
internal sealed class LoadRun
{
    public string Name { get; set; } = string.Empty;

    public string Kind { get; init; } = "load";

    /// <summary><c>open</c> (fixed rate, latency from the intended send time) or <c>closed</c> (window per connection).</summary>
    public string? Mode { get; init; }

    public string? Durability { get; init; }

    /// <summary>Commands per second asked of an open-loop run; null for a closed loop.</summary>
    public double? TargetRate { get; init; }

    /// <summary>
    /// Open loop: <c>shared</c> (one pacer round writes every connection at once) or <c>spread</c> (each connection
    /// at its own phase of the millisecond); null for a closed loop or a run written before LoadGen recorded it.
    /// </summary>
    public string? Pacing { get; init; }

    public int? Connections { get; init; }

    public int? Window { get; init; }

    public int? Batch { get; init; }

    public double DurationSeconds { get; init; }

    public long Commands { get; init; }

    public long Acks { get; init; }

    public long Rejected { get; init; }

    public long Errors { get; init; }

    /// <summary>Acknowledged commands per second over the measured part of the run.</summary>
    public double Throughput { get; init; }

    public bool Failed { get; set; }

    public string? Failure { get; set; }

    /// <summary>The HdrHistogram percentile distribution's file name, relative to the folder of the run's JSON.</summary>
    public string? Hgrm { get; init; }

    public LatencyStats? LatencyUs { get; init; }

    public LatencyStats? ServiceUs { get; init; }

    /// <summary>With subscribers beside the publishers (the consumers stage); null for a run without.</summary>
    public SubscribersStats? Subscribers { get; init; }

    /// <summary>How many subscribers read beside the publishers (0 without).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int SubscriberCount => Subscribers?.Count ?? 0;
}
