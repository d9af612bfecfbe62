using System;
using System.Buffers.Binary;
using System.Numerics;

namespace Pipeline.Journal.Format;

/// <summary>CRC-32C (Castagnoli) of journal and snapshot bytes, on the CPU's CRC instruction where it has one.</summary>
internal static class Checksum
{
    private const uint Seed = 0xFFFFFFFFu;

    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(Seed, data);

    /// <summary>Starts a running CRC; feed it with <see cref="Append"/>, finish with <see cref="Finish"/>.</summary>
    public static uint Begin() => Seed;

    public static uint Finish(uint running) => ~running;

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        for (int i = 0; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return crc;
    }
}
