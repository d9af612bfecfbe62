using System;
using System.Buffers.Binary;
using Pipeline.Journal.Format;

namespace Pipeline.EventStore.Format;

/// <summary>The layout of one event record; records follow each other directly after the segment header.</summary>
/// <remarks>
/// All integers little-endian. <c>docs/event-log-format.md</c> repeats this table. Offsets are byte offsets in the
/// record (this project says <em>offset</em> for bytes; <em>position</em> is an event's global number).
/// <code>
/// offset      size  field
///      0         4  record length L   the whole record in bytes, this field and the trailer included: 60 + t + s + p
///      4         4  CRC-32C           of bytes 0..3 (the length) followed by bytes 8..L-1 (everything after the CRC)
///      8         8  position          the event's global number: 1, 2, 3, ... with no gaps across segments
///     16         8  command sequence  journal sequence of the command that caused the event (never decreases)
///     24         8  timestamp         the command's journal timestamp, UTC ticks
///     32         8  producer id       u64, 0 = anonymous
///     40         8  stream version    1, 2, 3, ... per stream id (supplied by the caller)
///     48         2  schema version    u16, of the payload
///     50         1  type length t     1..255
///     51         1  stream id length s 1..255
///     52         4  payload length p  0..MaxPayloadBytes
///     56         t  type              UTF-8
///   56+t         s  stream id         UTF-8
/// 56+t+s         p  payload           opaque bytes
/// 56+t+s+p       4  record length L   again, so that a reader can walk backward from the end of a record
/// </code>
/// A record is valid when both lengths equal L = 60 + t + s + p, t and s are at least 1, the whole record lies inside
/// the file, and the CRC matches.
/// </remarks>
internal readonly record struct EventRecordHeader(
    int Length,
    long Position,
    long CommandSequence,
    long TimestampTicks,
    ulong ProducerId,
    long StreamVersion,
    ushort SchemaVersion,
    byte TypeLength,
    byte StreamIdLength,
    int PayloadLength)
{
    /// <summary>The version of this record layout and of <see cref="EventSegmentHeader"/>; written in every segment header.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>Bytes before the type: length, CRC and the fixed fields.</summary>
    public const int FixedSize = 56;

    /// <summary>The trailing copy of the record length.</summary>
    public const int TrailerSize = 4;

    /// <summary>Bytes of a record besides its type, stream id and payload.</summary>
    public const int Overhead = FixedSize + TrailerSize;

    /// <summary>The longest type or stream id, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = byte.MaxValue;

    /// <summary>The shortest record: one-byte type and stream id, empty payload.</summary>
    public const int MinLength = Overhead + 2;

    private const int CrcOffset = 4;
    private const int BodyOffset = 8;

    public int StreamIdOffset => FixedSize + TypeLength;

    public int PayloadOffset => FixedSize + TypeLength + StreamIdLength;

    public static int RecordLength(int typeLength, int streamIdLength, int payloadLength) =>
        Overhead + typeLength + streamIdLength + payloadLength;

    /// <summary>The longest record for a payload bound.</summary>
    public static int MaxLength(int maxPayloadBytes) => RecordLength(MaxNameBytes, MaxNameBytes, maxPayloadBytes);

    /// <summary>Writes a whole record (fields, names, payload, trailer, CRC) into <paramref name="destination"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, long position, in EventToAppend e)
    {
        int length = RecordLength(e.Type.Length, e.StreamId.Length, e.Payload.Length);
        Span<byte> record = destination[..length];
        BinaryPrimitives.WriteInt32LittleEndian(record, length);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], position);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], e.CommandSequence);
        BinaryPrimitives.WriteInt64LittleEndian(record[24..], e.TimestampTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(record[32..], e.ProducerId);
        BinaryPrimitives.WriteInt64LittleEndian(record[40..], e.StreamVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(record[48..], e.SchemaVersion);
        record[50] = (byte)e.Type.Length;
        record[51] = (byte)e.StreamId.Length;
        BinaryPrimitives.WriteInt32LittleEndian(record[52..], e.Payload.Length);
        e.Type.CopyTo(record[FixedSize..]);
        e.StreamId.CopyTo(record[(FixedSize + e.Type.Length)..]);
        e.Payload.CopyTo(record[(FixedSize + e.Type.Length + e.StreamId.Length)..]);
        BinaryPrimitives.WriteInt32LittleEndian(record[(length - TrailerSize)..], length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CrcOffset..], ComputeCrc(record));
        return length;
    }

    private static uint ComputeCrc(ReadOnlySpan<byte> record)
    {
        uint crc = Checksum.Append(Checksum.Begin(), record[..CrcOffset]);
        crc = Checksum.Append(crc, record[BodyOffset..]);
        return Checksum.Finish(crc);
    }

    /// <summary>Whether a length read from a prefix or trailer can be a record's under <paramref name="maxLength"/>.</summary>
    public static bool IsPlausibleLength(int length, int maxLength) => length >= MinLength && length <= maxLength;

    /// <summary>
    /// Parses and verifies the record at the start of <paramref name="source"/>: <see cref="RecordStatus.Incomplete"/>
    /// when the bytes end before the record does, <see cref="RecordStatus.Invalid"/> for a bad length, field or CRC.
    /// </summary>
    public static RecordStatus TryRead(ReadOnlySpan<byte> source, int maxLength, out EventRecordHeader header)
    {
        header = default;
        if (source.Length < BodyOffset)
        {
            return RecordStatus.Incomplete;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (!IsPlausibleLength(length, maxLength))
        {
            return RecordStatus.Invalid;
        }

        if (source.Length < length)
        {
            return RecordStatus.Incomplete;
        }

        ReadOnlySpan<byte> record = source[..length];
        byte typeLength = record[50];
        byte streamIdLength = record[51];
        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(record[52..]);
        // Cheap structural checks first: a scan for valid records after damage tries every byte offset.
        if (typeLength == 0 || streamIdLength == 0 || payloadLength < 0
            || (long)Overhead + typeLength + streamIdLength + payloadLength != length
            || BinaryPrimitives.ReadInt32LittleEndian(record[(length - TrailerSize)..]) != length
            || BinaryPrimitives.ReadUInt32LittleEndian(record[CrcOffset..]) != ComputeCrc(record))
        {
            return RecordStatus.Invalid;
        }

        header = new EventRecordHeader(
            length,
            BinaryPrimitives.ReadInt64LittleEndian(record[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(record[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(record[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(record[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(record[40..]),
            BinaryPrimitives.ReadUInt16LittleEndian(record[48..]),
            typeLength,
            streamIdLength,
            payloadLength);
        return RecordStatus.Valid;
    }
}
