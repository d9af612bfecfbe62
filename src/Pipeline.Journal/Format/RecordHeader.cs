using System;
using System.Buffers.Binary;

namespace Pipeline.Journal.Format;

/// <summary>The layout of one journal record; records follow each other directly after the segment header.</summary>
/// <remarks>
/// All integers little-endian. <c>docs/journal-format.md</c> repeats this table.
/// <code>
/// offset size  field
///      0    4  body length L   bytes from offset 8 to the record's end: 40 + n + m
///      4    4  CRC-32C         of bytes 0..3 (the length) followed by the L body bytes
///      8    8  sequence        global sequence, 1, 2, 3, ... with no gaps
///     16    8  timestamp       UTC ticks from the journaling producer's clock (never decreases)
///     24    8  producer id     0 = anonymous
///     32    8  producer seq    the producer's own sequence (0 for anonymous)
///     40    2  schema version
///     42    2  type length n
///     44    4  payload length m
///     48    n  type            UTF-8
///   48+n    m  payload         opaque bytes
/// </code>
/// A record is valid when L = 40 + n + m, the whole record lies inside the file, and the CRC matches.
/// </remarks>
internal readonly record struct RecordHeader(
    int BodyLength,
    uint Crc,
    long Sequence,
    long TimestampTicks,
    ulong ProducerId,
    ulong ProducerSequence,
    ushort SchemaVersion,
    ushort TypeLength,
    int PayloadLength)
{
    public const int Size = 48;
    public const int PrefixSize = 8;
    public const int FixedBodySize = Size - PrefixSize;

    public int TotalLength => PrefixSize + BodyLength;

    public static int RecordLength(int typeLength, int payloadLength) => Size + typeLength + payloadLength;

    /// <summary>Writes a whole record (header, type, payload, CRC) into <paramref name="destination"/>.</summary>
    public static int Write(
        Span<byte> destination,
        long sequence,
        long timestampTicks,
        ulong producerId,
        ulong producerSequence,
        ushort schemaVersion,
        ReadOnlySpan<byte> type,
        ReadOnlySpan<byte> payload)
    {
        int total = RecordLength(type.Length, payload.Length);
        Span<byte> record = destination[..total];
        int bodyLength = total - PrefixSize;
        BinaryPrimitives.WriteInt32LittleEndian(record, bodyLength);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], timestampTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(record[24..], producerId);
        BinaryPrimitives.WriteUInt64LittleEndian(record[32..], producerSequence);
        BinaryPrimitives.WriteUInt16LittleEndian(record[40..], schemaVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(record[42..], (ushort)type.Length);
        BinaryPrimitives.WriteInt32LittleEndian(record[44..], payload.Length);
        type.CopyTo(record[Size..]);
        payload.CopyTo(record[(Size + type.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], ComputeCrc(record));
        return total;
    }

    private static uint ComputeCrc(ReadOnlySpan<byte> record)
    {
        uint crc = Checksum.Append(Checksum.Begin(), record[..4]);
        crc = Checksum.Append(crc, record[PrefixSize..]);
        return Checksum.Finish(crc);
    }

    /// <summary>Reads only the body length; false when fewer than 8 bytes are there.</summary>
    public static bool TryReadLength(ReadOnlySpan<byte> source, out int bodyLength)
    {
        if (source.Length < PrefixSize)
        {
            bodyLength = 0;
            return false;
        }

        bodyLength = BinaryPrimitives.ReadInt32LittleEndian(source);
        return true;
    }

    /// <summary>
    /// Parses and verifies the record at the start of <paramref name="source"/>.
    /// </summary>
    public static RecordStatus TryRead(ReadOnlySpan<byte> source, int maxRecordBytes, out RecordHeader header)
    {
        header = default;
        if (source.Length < PrefixSize)
        {
            return RecordStatus.Incomplete;
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(source) == 0)
        {
            // A length of 0 is never a record's: this is zero-filled space (preallocated, or never written).
            return RecordStatus.Unwritten;
        }

        int bodyLength = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (bodyLength < FixedBodySize || bodyLength > maxRecordBytes - PrefixSize)
        {
            return RecordStatus.Invalid;
        }

        if (source.Length < PrefixSize + bodyLength)
        {
            return RecordStatus.Incomplete;
        }

        ReadOnlySpan<byte> record = source[..(PrefixSize + bodyLength)];
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
        ushort typeLength = BinaryPrimitives.ReadUInt16LittleEndian(record[42..]);
        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(record[44..]);
        if (payloadLength < 0 || FixedBodySize + typeLength + (long)payloadLength != bodyLength)
        {
            return RecordStatus.Invalid;
        }

        if (crc != ComputeCrc(record))
        {
            return RecordStatus.Invalid;
        }

        header = new RecordHeader(
            bodyLength,
            crc,
            BinaryPrimitives.ReadInt64LittleEndian(record[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(record[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(record[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(record[32..]),
            BinaryPrimitives.ReadUInt16LittleEndian(record[40..]),
            typeLength,
            payloadLength);
        return RecordStatus.Valid;
    }
}

/// <summary>What a parse of the bytes at a position found.</summary>
internal enum RecordStatus
{
    /// <summary>A whole record with a matching CRC.</summary>
    Valid,

    /// <summary>The bytes end before the record does (a torn tail, or a read that must fetch more).</summary>
    Incomplete,

    /// <summary>An impossible length or a CRC mismatch.</summary>
    Invalid,

    /// <summary>
    /// Eight zero bytes where a record would start: the end of what was written in a preallocated segment (see
    /// <see cref="JournalOptions.Preallocate"/>), when everything after it is zero too.
    /// </summary>
    Unwritten,
}
