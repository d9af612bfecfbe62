using System;
using Pipeline.Journal;

namespace Pipeline.Testing;

/// <summary>Journal options sized for tests: 64 KiB segments (so a few thousand records roll several), small records and buffers.</summary>
public static class TestJournalOptions
{
    /// <summary>The segment size of <see cref="Small"/>.</summary>
    public const long SegmentSizeBytes = 64 * 1024;

    /// <summary>The record size limit of <see cref="Small"/>.</summary>
    public const int MaxRecordBytes = 4 * 1024;

    /// <summary>Options with 64 KiB segments, 4 KiB records, a 64 KiB write buffer and an index entry per 16 records.</summary>
    public static JournalOptions Small(
        string directory,
        DurabilityPolicy durability = DurabilityPolicy.Batch,
        TimeSpan? flushInterval = null,
        int writeBufferBytes = 64 * 1024,
        RetentionPolicy retention = RetentionPolicy.KeepAll,
        string? archiveDirectory = null,
        bool preallocate = false) => new()
    {
        Directory = directory,
        SegmentSizeBytes = SegmentSizeBytes,
        MaxRecordBytes = MaxRecordBytes,
        WriteBufferBytes = writeBufferBytes,
        IndexIntervalRecords = 16,
        Durability = durability,
        FlushInterval = flushInterval ?? TimeSpan.FromMilliseconds(10),
        Retention = retention,
        ArchiveDirectory = archiveDirectory,
        Preallocate = preallocate,
    };
}
