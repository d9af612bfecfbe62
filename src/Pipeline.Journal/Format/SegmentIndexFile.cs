using System;
using System.Buffers.Binary;
using System.IO;

namespace Pipeline.Journal.Format;

/// <summary>The sparse index written beside a sealed segment (<c>.index</c>): sequence to file position.</summary>
/// <remarks>
/// All integers little-endian; an index that fails any check is ignored and rebuilt by scanning the segment.
/// <code>
/// offset size  field
///      0    4  magic          "PJIX"
///      4    2  format version 1
///      6    2  reserved       zero
///      8    8  first sequence of the segment
///     16    8  last sequence  of the segment
///     24    8  end position   the sealed segment's length in bytes
///     32    4  entry count E
///     36    4  reserved       zero
///     40 16*E  entries        (sequence i64, position i64), ascending
/// 40+16E    4  CRC-32C        of all bytes before it
/// </code>
/// </remarks>
internal static class SegmentIndexFile
{
    public const ushort FormatVersion = 1;
    private const uint Magic = 0x58494A50; // "PJIX"
    private const int HeaderSize = 40;
    private const int EntrySize = 16;

    public static void Write(string path, SegmentIndexData data)
    {
        int size = HeaderSize + (EntrySize * data.Sequences.Length) + sizeof(uint);
        byte[] bytes = new byte[size];
        Span<byte> span = bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], data.FirstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], data.LastSequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], data.EndPosition);
        BinaryPrimitives.WriteInt32LittleEndian(span[32..], data.Sequences.Length);
        for (int i = 0; i < data.Sequences.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[(HeaderSize + (i * EntrySize))..], data.Sequences[i]);
            BinaryPrimitives.WriteInt64LittleEndian(span[(HeaderSize + (i * EntrySize) + 8)..], data.Positions[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[(size - 4)..], Checksum.Compute(span[..(size - 4)]));
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static bool TryRead(string path, out SegmentIndexData data)
    {
        data = default;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        ReadOnlySpan<byte> span = bytes;
        if (span.Length < HeaderSize + 4 || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic
            || BinaryPrimitives.ReadUInt16LittleEndian(span[4..]) != FormatVersion)
        {
            return false;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(span[32..]);
        if (count < 0 || span.Length != HeaderSize + ((long)count * EntrySize) + 4
            || BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != Checksum.Compute(span[..^4]))
        {
            return false;
        }

        long[] sequences = new long[count];
        long[] positions = new long[count];
        for (int i = 0; i < count; i++)
        {
            sequences[i] = BinaryPrimitives.ReadInt64LittleEndian(span[(HeaderSize + (i * EntrySize))..]);
            positions[i] = BinaryPrimitives.ReadInt64LittleEndian(span[(HeaderSize + (i * EntrySize) + 8)..]);
        }

        data = new SegmentIndexData(
            BinaryPrimitives.ReadInt64LittleEndian(span[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[24..]),
            sequences,
            positions);
        return true;
    }
}

/// <summary>The contents of a sealed segment's index.</summary>
internal readonly record struct SegmentIndexData(long FirstSequence, long LastSequence, long EndPosition, long[] Sequences, long[] Positions)
{
    /// <summary>The position of the latest indexed record at or before <paramref name="sequence"/>, or the first record's.</summary>
    public long FindPosition(long sequence)
    {
        int index = Array.BinarySearch(Sequences, sequence);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index < 0 ? SegmentHeader.Size : Positions[index];
    }
}
