using System;
using System.Buffers.Binary;

namespace Pipeline.EventStore.Internal;

/// <summary>A stream-section entry: FNV-1a 64 of the stream id, the stream version, where the record is.</summary>
internal readonly record struct StreamEntry(ulong Hash, long Version, long Position, long Offset) : IComparable<StreamEntry>, IRadixKeyed
{
    public ulong RadixKey => Hash;

    public int CompareTo(StreamEntry other)
    {
        int c = Hash.CompareTo(other.Hash);
        if (c != 0)
        {
            return c;
        }

        c = Version.CompareTo(other.Version);
        return c != 0 ? c : Position.CompareTo(other.Position);
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Hash);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Position);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], Offset);
    }

    public static StreamEntry Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(source),
        BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[24..]));
}
