using System;
using System.Buffers.Binary;
using Pipeline.Journal.Format;

namespace Pipeline.Journal.Snapshots;

/// <summary>The header of a snapshot file; the serialized state follows it.</summary>
/// <remarks>
/// All integers little-endian. <c>docs/journal-format.md</c> repeats this table.
/// <code>
/// offset size field
///      0    4 magic          "PJSN"
///      4    2 format version 1
///      6    2 header length  48
///      8    8 sequence       the snapshot covers every event at or below it
///     16    8 state digest   ISnapshotable.ComputeDigest at capture
///     24    8 payload length bytes of serialized state after the header
///     32    8 timestamp      journal timestamp (UTC ticks) of the event at sequence
///     40    4 payload CRC-32C
///     44    4 header CRC-32C of bytes 0..43
/// </code>
/// </remarks>
internal readonly record struct SnapshotHeader(long Sequence, ulong Digest, long PayloadLength, long TimestampTicks, uint PayloadCrc)
{
    public const ushort FormatVersion = 1;
    public const int Size = 48;
    private const uint Magic = 0x4E534A50; // "PJSN"

    public void Write(Span<byte> destination)
    {
        Span<byte> header = destination[..Size];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Size);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], Sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], Digest);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], PayloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], TimestampTicks);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], PayloadCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], Checksum.Compute(header[..44]));
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out SnapshotHeader header, out string? problem)
    {
        header = default;
        if (source.Length < Size)
        {
            problem = "the file is shorter than the snapshot header";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic)
        {
            problem = "the magic is not PJSN";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[44..]) != Checksum.Compute(source[..44]))
        {
            problem = "the header CRC does not match";
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        if (version != FormatVersion)
        {
            problem = $"snapshot format version {version} is not supported";
            return false;
        }

        header = new SnapshotHeader(
            BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[40..]));
        if (header.PayloadLength < 0 || header.Sequence < 0)
        {
            problem = "the header holds a negative length or sequence";
            return false;
        }

        problem = null;
        return true;
    }
}
