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

    /// <summary>The folder whose file system was measured.</summary>
    public string Directory { get; init; } = string.Empty;
}
