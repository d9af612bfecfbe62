using System;
using System.Buffers.Binary;
using Pipeline.Journal.Format;

namespace Pipeline.EventStore.Format;

/// <summary>The fixed header at the start of every event-log segment file (<c>events-{first position:D20}.log</c>).</summary>
/// <remarks>
/// All integers little-endian. <c>docs/event-log-format.md</c> repeats this table; the format version is
/// <see cref="EventRecordHeader.FormatVersion"/> (one version covers the header and the records).
/// <code>
/// offset size field
///      0    4 magic          "PESG" (0x50 0x45 0x53 0x47)
///      4    2 format version 1
///      6    2 header length  32
///      8    8 first position the position of the segment's first record (records follow with no gaps)
///     16   12 reserved       zero
///     28    4 header CRC-32C of bytes 0..27
/// </code>
/// </remarks>
internal readonly record struct EventSegmentHeader(long FirstPosition)
{
    public const int Size = 32;
    public const uint Magic = 0x47534550; // "PESG" read as a little-endian u32

    public void Write(Span<byte> destination)
    {
        Span<byte> header = destination[..Size];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], EventRecordHeader.FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Size);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], FirstPosition);
        CheckedHeader.Seal(header, Size);
    }

    /// <summary>Parses a header; returns a reason when the bytes are not a valid version-1 header.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out EventSegmentHeader header, out string? problem)
    {
        header = default;
        if (!CheckedHeader.TryValidate(source, Size, Magic, "segment header", "PESG", out problem))
        {
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        if (version != EventRecordHeader.FormatVersion)
        {
            problem = $"event-log format version {version} is not supported (this build reads version {EventRecordHeader.FormatVersion})";
            return false;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(source[6..]) != Size)
        {
            problem = $"the segment header length is not {Size}";
            return false;
        }

        long first = BinaryPrimitives.ReadInt64LittleEndian(source[8..]);
        if (first < 1)
        {
            problem = $"the segment's first position {first} is below 1";
            return false;
        }

        header = new EventSegmentHeader(first);
        problem = null;
        return true;
    }
}
