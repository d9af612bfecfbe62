namespace Pipeline.PerfReport;

/// <summary>One system of the peers stage: what it is set to, whether it fsyncs before its ACK, whether it ran.</summary>
internal sealed class PeerSystemLine
{
    public string System { get; init; } = string.Empty;

    /// <summary>The settings line of its runs (distinct lines joined by "; ").</summary>
    public string Settings { get; init; } = string.Empty;

    /// <summary>Null when no run of it said (every file unreadable), or when its runs disagree.</summary>
    public bool? FsyncBeforeAck { get; init; }

    /// <summary>Why it did not run (every run skipped); null when it ran.</summary>
    public string? Skipped { get; init; }

    public int Runs { get; init; }

    public int FailedRuns { get; init; }

    public int SkippedRuns { get; init; }
}
