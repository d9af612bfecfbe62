using System;
using System.Buffers.Binary;

namespace Pipeline.EventStore.Internal;

/// <summary>A type- or producer-section entry: the key (type hash or producer id) and where the record is.</summary>
internal readonly record struct KeyEntry(ulong Key, long Position, long Offset) : IComparable<KeyEntry>, IRadixKeyed
{
    public ulong RadixKey => Key;

    public int CompareTo(KeyEntry other)
    {
        int c = Key.CompareTo(other.Key);
        return c != 0 ? c : Position.CompareTo(other.Position);
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Key);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Position);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Offset);
    }

    public static KeyEntry Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(source),
        BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[16..]));
}
