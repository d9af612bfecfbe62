using System;
using System.Buffers.Binary;

namespace Pipeline.Journal.Format;

/// <summary>The fixed header at the start of every journal segment file.</summary>
/// <remarks>
/// All integers little-endian. <c>docs/journal-format.md</c> repeats this table.
/// <code>
/// offset size field
///      0    4 magic          "PJSG" (0x50 0x4A 0x53 0x47)
///      4    2 format version 1
///      6    2 header length  64
///      8    8 first sequence the sequence of the segment's first record (records follow with no gaps)
///     16    8 created at     UTC ticks (100 ns since 0001-01-01) from the journal clock
///     24   36 reserved       zero
///     60    4 header CRC-32C of bytes 0..59
/// </code>
/// </remarks>
internal readonly record struct SegmentHeader(long FirstSequence, long CreatedAtTicks)
{
    public const ushort FormatVersion = 1;
    public const int Size = 64;
    public const uint Magic = 0x47534A50; // "PJSG" read as a little-endian u32

    public void Write(Span<byte> destination)
    {
        Span<byte> header = destination[..Size];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Size);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], FirstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], CreatedAtTicks);
        CheckedHeader.Seal(header, Size);
    }

    /// <summary>Parses a header; returns a reason when the bytes are not a valid version-1 header.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out SegmentHeader header, out string? problem)
    {
        header = default;
        if (!CheckedHeader.TryValidate(source, Size, Magic, "segment header", "PJSG", out problem))
        {
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        if (version != FormatVersion)
        {
            problem = $"segment format version {version} is not supported (this build reads version {FormatVersion})";
            return false;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(source[6..]) != Size)
        {
            problem = "the segment header length is not 64";
            return false;
        }

        long first = BinaryPrimitives.ReadInt64LittleEndian(source[8..]);
        if (first < 1)
        {
            problem = $"the segment's first sequence {first} is below 1";
            return false;
        }

        header = new SegmentHeader(first, BinaryPrimitives.ReadInt64LittleEndian(source[16..]));
        problem = null;
        return true;
    }
}
