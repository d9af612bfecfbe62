using System;

namespace Pipeline.Journal;

/// <summary>Where and how the journal is written.</summary>
public sealed class JournalOptions
{
    /// <summary>The journal's folder (created if missing).</summary>
    public required string Directory { get; init; }

    /// <summary>A segment is sealed and a new one started once it would grow past this size.</summary>
    public long SegmentSizeBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>When records are forced to disk.</summary>
    public DurabilityPolicy Durability { get; init; } = DurabilityPolicy.Batch;

    /// <summary>For <see cref="DurabilityPolicy.Interval"/>: the longest time between two fsyncs.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Appends collect in a buffer of this size before they are written.</summary>
    public int WriteBufferBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The largest record (48-byte header, type and payload) the journal accepts.</summary>
    public int MaxRecordBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>One sparse-index entry (sequence to file position) per this many records.</summary>
    public int IndexIntervalRecords { get; init; } = 4096;

    /// <summary>
    /// Zero-fill each segment to <see cref="SegmentSizeBytes"/> before appending to it (the next one on a background
    /// thread), so that a commit's fsync overwrites allocated space and changes no file metadata: on ext4 that skips
    /// a filesystem-journal commit per group commit. Costs the whole segment's disk space up front; readers treat
    /// the zero space after the last record as the end. A reader following the live journal should stay within
    /// <see cref="JournalWriter.DurableSequence"/> (<see cref="JournalCursor.ExtendTo"/>): beyond it a write may be
    /// half visible. Off by default.
    /// </summary>
    public bool Preallocate { get; init; }

    /// <summary>What to do with segments wholly older than the oldest kept snapshot.</summary>
    public RetentionPolicy Retention { get; init; } = RetentionPolicy.KeepAll;

    /// <summary>For <see cref="RetentionPolicy.Archive"/>: where old segments go.</summary>
    public string? ArchiveDirectory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks a rule.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("Directory must name the journal folder.", nameof(Directory));
        }

        if (MaxRecordBytes < Format.RecordHeader.Size + 1)
        {
            throw new ArgumentException($"MaxRecordBytes must be at least {Format.RecordHeader.Size + 1}.", nameof(MaxRecordBytes));
        }

        if (WriteBufferBytes < MaxRecordBytes)
        {
            throw new ArgumentException("WriteBufferBytes must be at least MaxRecordBytes, so that any record fits in the buffer.", nameof(WriteBufferBytes));
        }

        if (SegmentSizeBytes < Format.SegmentHeader.Size + MaxRecordBytes)
        {
            throw new ArgumentException("SegmentSizeBytes must hold the 64-byte header and at least one record of MaxRecordBytes.", nameof(SegmentSizeBytes));
        }

        if (Durability is not (DurabilityPolicy.Batch or DurabilityPolicy.Interval or DurabilityPolicy.None))
        {
            throw new ArgumentException("Durability must be Batch, Interval or None.", nameof(Durability));
        }

        if (Durability == DurabilityPolicy.Interval && (FlushInterval <= TimeSpan.Zero || FlushInterval > TimeSpan.FromMinutes(1)))
        {
            throw new ArgumentException("FlushInterval must be above zero and at most one minute.", nameof(FlushInterval));
        }

        if (IndexIntervalRecords < 1)
        {
            throw new ArgumentException("IndexIntervalRecords must be at least 1.", nameof(IndexIntervalRecords));
        }

        if (Retention is not (RetentionPolicy.KeepAll or RetentionPolicy.Delete or RetentionPolicy.Archive))
        {
            throw new ArgumentException("Retention must be KeepAll, Delete or Archive.", nameof(Retention));
        }

        if (Retention == RetentionPolicy.Archive && string.IsNullOrWhiteSpace(ArchiveDirectory))
        {
            throw new ArgumentException("ArchiveDirectory is required when Retention is Archive.", nameof(ArchiveDirectory));
        }
    }
}
