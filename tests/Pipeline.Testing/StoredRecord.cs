using System;
using Pipeline.Journal;

namespace Pipeline.Testing;

/// <summary>A journal record copied out of the reader's buffer, for assertions.</summary>
public sealed record StoredRecord(long Sequence, long TimestampTicks, ulong ProducerId, ulong ProducerSequence, ushort SchemaVersion, string Type, byte[] Payload, long Position)
{
    /// <summary>Copies <paramref name="record"/>.</summary>
    public static StoredRecord From(in JournalRecord record) => new(
        record.Sequence,
        record.TimestampTicks,
        record.ProducerId,
        record.ProducerSequence,
        record.SchemaVersion,
        record.TypeName,
        record.Payload.ToArray(),
        record.Position);

    /// <summary>The bytes the record occupies in its segment (48-byte header, type, payload).</summary>
    public int Length => 48 + System.Text.Encoding.UTF8.GetByteCount(Type) + Payload.Length;
}
