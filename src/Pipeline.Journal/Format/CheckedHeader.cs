using System;
using System.Buffers.Binary;

namespace Pipeline.Journal.Format;

// What every checksummed file header of the journal and the event log starts and ends with: a u32 magic at byte 0
// and a CRC-32C of all the header's other bytes in its last 4 bytes. The header structs keep their own layouts (and
// byte tables); this holds only the checks they share, with the same wording for every format.
internal static class CheckedHeader
{
    /// <summary>Stores the CRC-32C of the header's first <c>size - 4</c> bytes in its last 4.</summary>
    public static void Seal(Span<byte> header, int size) =>
        BinaryPrimitives.WriteUInt32LittleEndian(header[(size - sizeof(uint))..], Checksum.Compute(header[..(size - sizeof(uint))]));

    /// <summary>
    /// Checks the length, the magic and the CRC of a header named <paramref name="name"/> (e.g. "segment header");
    /// <paramref name="magicText"/> is the magic as text for the message.
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> source, int size, uint magic, string name, string magicText, out string? problem)
    {
        if (source.Length < size)
        {
            problem = $"the file is {source.Length} bytes, shorter than the {size}-byte {name}";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != magic)
        {
            problem = $"the {name}'s magic is not {magicText}";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[(size - sizeof(uint))..]) != Checksum.Compute(source[..(size - sizeof(uint))]))
        {
            problem = $"the {name}'s CRC does not match";
            return false;
        }

        problem = null;
        return true;
    }
}
