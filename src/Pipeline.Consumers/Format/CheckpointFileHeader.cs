using System;
using System.Buffers.Binary;
using Pipeline.Journal.Format;

namespace Pipeline.Consumers.Format;

/// <summary>The fixed header at the start of <c>checkpoints.log</c>.</summary>
/// <remarks>
/// All integers little-endian. <c>docs/consumers.md</c> ("Checkpoint file") repeats this table; the format version
/// is <see cref="CheckpointRecord.FormatVersion"/> (one version covers the header and the records).
/// <code>
/// offset size field
///      0    4 magic          "PCKP" (0x50 0x43 0x4B 0x50)
///      4    2 format version 1
///      6    2 header length  16
///      8    4 reserved       zero
///     12    4 header CRC-32C of bytes 0..11
/// </code>
/// </remarks>
internal static class CheckpointFileHeader
{
    public const int Size = 16;
    public const uint Magic = 0x504B4350; // "PCKP" read as a little-endian u32

    public static void Write(Span<byte> destination)
    {
        Span<byte> header = destination[..Size];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], CheckpointRecord.FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], Size);
        CheckedHeader.Seal(header, Size);
    }

    /// <summary>Checks a header; returns a reason when the bytes are not a valid version-1 header.</summary>
    public static bool TryValidate(ReadOnlySpan<byte> source, out string? problem)
    {
        if (!CheckedHeader.TryValidate(source, Size, Magic, "checkpoint file header", "PCKP", out problem))
        {
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        if (version != CheckpointRecord.FormatVersion)
        {
            problem = $"checkpoint format version {version} is not supported (this build reads version {CheckpointRecord.FormatVersion})";
            return false;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(source[6..]) != Size)
        {
            problem = $"the checkpoint file header length is not {Size}";
            return false;
        }

        return true;
    }
}
