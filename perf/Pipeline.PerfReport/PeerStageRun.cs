namespace Pipeline.PerfReport;

/// <summary>
/// One run of the peers stage (peers/NAME.json) in one shape, whichever tool wrote it: a peer's run (<c>kind: peer</c>),
/// Pipeline's load run (<c>kind: load</c>) or Pipeline's catch-up run (<c>kind: catchup</c>). Figures the workload does
/// not have are null.
/// </summary>
internal sealed class PeerStageRun
{
    public string Name { get; init; } = string.Empty;

    /// <summary>The file's kind: <c>peer</c>, <c>load</c> or <c>catchup</c>.</summary>
    public string Kind { get; init; } = string.Empty;

    public string System { get; init; } = string.Empty;

    /// <summary>The workload as named: <c>append-closed</c>, <c>append-open-10k</c>, <c>read</c>, <c>subscribe-10k</c>.</summary>
    public string Workload { get; init; } = string.Empty;

    /// <summary>The workload without its rate: <c>append-closed</c>, <c>append-open</c>, <c>read</c>, <c>subscribe</c>.</summary>
    public string Family { get; init; } = string.Empty;

    public double? Rate { get; init; }

    public int Round { get; init; } = 1;

    /// <summary>The system's durability settings in one line (Pipeline's: its journal durability).</summary>
    public string? Settings { get; init; }

    /// <summary>Whether an acknowledged append was on disk before its acknowledgement; null when the file did not say.</summary>
    public bool? FsyncBeforeAck { get; init; }

    /// <summary>Why the run did not happen (the peer is not installed); null when it ran.</summary>
    public string? Skipped { get; init; }

    public bool Failed { get; set; }

    public string? Failure { get; set; }

    /// <summary>Acknowledged appends per second (append and subscribe workloads).</summary>
    public double? Throughput { get; init; }

    /// <summary>Append latency: from the intended send time (open loop) or the send (closed loop), µs.</summary>
    public LatencyStats? LatencyUs { get; init; }

    /// <summary>Open loop: events the client still had to send when the run stopped; the latency is then a lower bound.</summary>
    public long Unsent { get; init; }

    /// <summary>The read time of one 1,000-event stream, µs.</summary>
    public LatencyStats? StreamReadUs { get; init; }

    /// <summary>A full read of the store from its start, events per second.</summary>
    public double? CatchupEventsPerSecond { get; init; }

    /// <summary>Live delivery to one subscriber: an event's send to its arrival, µs.</summary>
    public LatencyStats? DeliveryUs { get; init; }

    /// <summary>The append latency's histogram file, relative to peers/.</summary>
    public string? Hgrm { get; init; }

    /// <summary>The delivery histogram (sent -> received), relative to peers/; null when the run has none of that measure.</summary>
    public string? DeliveryHgrm { get; init; }

    /// <summary>True when the run measured something: it ran and did not fail.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Measured => Skipped is null && !Failed;
}
