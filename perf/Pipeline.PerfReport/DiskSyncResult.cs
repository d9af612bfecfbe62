namespace Pipeline.PerfReport;

/// <summary>The disk-flush probe: latency of appending a block to a file and forcing it to disk, in microseconds.</summary>
internal sealed class DiskSyncResult
{
    /// <summary>The call timed, e.g. "RandomAccess.FlushToDisk (fsync(2))"; the journal flushes through the same call.</summary>
    public string Method { get; init; } = string.Empty;

    public int Samples { get; init; }

    public int BlockBytes { get; init; }

    public double P50Us { get; init; }

    public double P99Us { get; init; }

    public double MaxUs { get; init; }

    public double MeanUs { get; init; }

    /// <summary>The same append followed by fdatasync(2) instead: p50 (Linux only, else null).</summary>
    public double? FdatasyncP50Us { get; init; }

    /// <summary>The same append followed by fdatasync(2) instead: p99 (Linux only, else null).</summary>
    public double? FdatasyncP99Us { get; init; }

    /// <summary>Back-to-back appends and syncs over a stretch of time, counting the stalls; null when not run.</summary>
    public DiskStallWatch? StallWatch { get; set; }

    /// <summary>The folder whose file system was measured.</summary>
    public string Directory { get; init; } = string.Empty;
}

/// <summary>The disk stall watch: 4 KiB appends, each followed by fdatasync (fsync off Linux), for a while.</summary>
internal sealed class DiskStallWatch
{
    public double Seconds { get; init; }

    public long Samples { get; init; }

    /// <summary>Syncs that took 10 ms or more.</summary>
    public long Stalls { get; init; }

    public double MaxUs { get; init; }

    /// <summary>An ideal group commit on these syncs (<see cref="GroupCommitFloor"/>): its latency p50; null when too few syncs ran.</summary>
    public double? GroupCommitP50Us { get; init; }

    /// <summary>The ideal group commit's p99: no journal that acknowledges after its sync can do better on this disk.</summary>
    public double? GroupCommitP99Us { get; init; }

    /// <summary>The ideal group commit's p99.9.</summary>
    public double? GroupCommitP999Us { get; init; }

    /// <summary>The share of arrivals (percent) that the ideal group commit would keep waiting more than 5 ms.</summary>
    public double? GroupCommitOver5MsPercent { get; init; }
}
