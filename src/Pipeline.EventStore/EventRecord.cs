using System;

namespace Pipeline.EventStore;

/// <summary>One stored event as a view into a cursor's buffer; valid until the cursor's next read.</summary>
/// <remarks>Copy what must outlive the next <see cref="EventLogCursor.TryRead"/>: the spans are reused.</remarks>
public readonly ref struct EventRecord
{
    internal EventRecord(
        long position,
        long commandSequence,
        long timestampTicks,
        ulong producerId,
        long streamVersion,
        ushort schemaVersion,
        ReadOnlySpan<byte> type,
        ReadOnlySpan<byte> streamId,
        ReadOnlySpan<byte> payload,
        long offset,
        int length)
    {
        Position = position;
        CommandSequence = commandSequence;
        TimestampTicks = timestampTicks;
        ProducerId = producerId;
        StreamVersion = streamVersion;
        SchemaVersion = schemaVersion;
        Type = type;
        StreamId = streamId;
        Payload = payload;
        Offset = offset;
        Length = length;
    }

    /// <summary>The event's global number in the event log (1, 2, 3, ... with no gaps).</summary>
    public long Position { get; }

    /// <summary>The journal sequence of the command that caused the event.</summary>
    public long CommandSequence { get; }

    /// <summary>The command's journal timestamp, UTC ticks.</summary>
    public long TimestampTicks { get; }

    /// <summary>The command's producer; 0 = anonymous.</summary>
    public ulong ProducerId { get; }

    /// <summary>The event's version in its stream.</summary>
    public long StreamVersion { get; }

    /// <summary>The version of the payload's schema.</summary>
    public ushort SchemaVersion { get; }

    /// <summary>The event type, UTF-8.</summary>
    public ReadOnlySpan<byte> Type { get; }

    /// <summary>The stream id, UTF-8.</summary>
    public ReadOnlySpan<byte> StreamId { get; }

    /// <summary>The event's bytes.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The byte offset of the record in its segment file.</summary>
    internal long Offset { get; }

    /// <summary>The record's length in bytes.</summary>
    internal int Length { get; }
}
