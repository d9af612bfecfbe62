using System;
using System.Text;

namespace Pipeline.Journal;

/// <summary>One journaled event as read back: a view over the reader's buffer, valid until the next read.</summary>
public readonly ref struct JournalRecord
{
    internal JournalRecord(
        long sequence,
        long timestampTicks,
        ulong producerId,
        ulong producerSequence,
        ushort schemaVersion,
        ReadOnlySpan<byte> type,
        ReadOnlySpan<byte> payload,
        long position)
    {
        Sequence = sequence;
        TimestampTicks = timestampTicks;
        ProducerId = producerId;
        ProducerSequence = producerSequence;
        SchemaVersion = schemaVersion;
        Type = type;
        Payload = payload;
        Position = position;
    }

    /// <summary>The global sequence (1, 2, 3, ...).</summary>
    public long Sequence { get; }

    /// <summary>The journal timestamp in UTC ticks: the only clock handlers may read.</summary>
    public long TimestampTicks { get; }

    /// <summary>The producer id (0 = anonymous).</summary>
    public ulong ProducerId { get; }

    /// <summary>The producer's own sequence of this event.</summary>
    public ulong ProducerSequence { get; }

    /// <summary>The payload's schema version.</summary>
    public ushort SchemaVersion { get; }

    /// <summary>The event type, UTF-8.</summary>
    public ReadOnlySpan<byte> Type { get; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The byte offset of the record in its segment file.</summary>
    public long Position { get; }

    /// <summary>The journal timestamp as a UTC <see cref="DateTime"/>.</summary>
    public DateTime Timestamp => new(TimestampTicks, DateTimeKind.Utc);

    /// <summary>The type as a string (allocates; for tools and logs).</summary>
    public string TypeName => Encoding.UTF8.GetString(Type);
}
