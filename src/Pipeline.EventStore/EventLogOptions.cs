using System;
using Pipeline.EventStore.Format;

namespace Pipeline.EventStore;

/// <summary>Where and how the event log is written and read.</summary>
public sealed class EventLogOptions
{
    /// <summary>The largest <see cref="MaxPayloadBytes"/> accepted: 64 MiB.</summary>
    public const int MaxPayloadBytesLimit = 64 * 1024 * 1024;

    /// <summary>The event log's folder (created by the writer if missing).</summary>
    public required string Directory { get; init; }

    /// <summary>A segment is sealed and a new one started once the next record would take it past this size.</summary>
    public long SegmentSizeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Appends collect in a buffer of this size; a full buffer is written before the next append.</summary>
    public int WriteBufferBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>The largest payload an event may carry.</summary>
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Readers remember one (position, offset) pair per this many records of a segment they scanned, so that a
    /// later read from a position scans at most this many records of its segment.
    /// </summary>
    public int IndexIntervalRecords { get; init; } = 1024;

    /// <summary>The largest record: the 60 fixed bytes, 255-byte type and stream id, and the largest payload.</summary>
    internal int MaxRecordBytes => EventRecordHeader.MaxLength(MaxPayloadBytes);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that breaks a rule.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("Directory must name the event log's folder.", nameof(Directory));
        }

        if (MaxPayloadBytes < 0 || MaxPayloadBytes > MaxPayloadBytesLimit)
        {
            throw new ArgumentException($"MaxPayloadBytes must be between 0 and {MaxPayloadBytesLimit} (64 MiB); it is {MaxPayloadBytes}.", nameof(MaxPayloadBytes));
        }

        if (WriteBufferBytes < MaxRecordBytes)
        {
            throw new ArgumentException(
                $"WriteBufferBytes must be at least the largest record ({MaxRecordBytes} bytes for MaxPayloadBytes {MaxPayloadBytes}), so that any record fits in the buffer; it is {WriteBufferBytes}.",
                nameof(WriteBufferBytes));
        }

        if (SegmentSizeBytes < EventSegmentHeader.Size + MaxRecordBytes)
        {
            throw new ArgumentException(
                $"SegmentSizeBytes must hold the {EventSegmentHeader.Size}-byte segment header and one record of the largest size ({MaxRecordBytes} bytes); it is {SegmentSizeBytes}.",
                nameof(SegmentSizeBytes));
        }

        if (IndexIntervalRecords < 1)
        {
            throw new ArgumentException($"IndexIntervalRecords must be at least 1; it is {IndexIntervalRecords}.", nameof(IndexIntervalRecords));
        }
    }
}
