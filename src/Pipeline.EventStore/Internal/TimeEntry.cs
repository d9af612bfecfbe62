using System;
using System.Buffers.Binary;

namespace Pipeline.EventStore.Internal;

/// <summary>A time-section entry: the largest timestamp up to and including this record, and where it is.</summary>
internal readonly record struct TimeEntry(long MaxTimestamp, long Position, long Offset)
{
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, MaxTimestamp);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Position);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Offset);
    }

    public static TimeEntry Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt64LittleEndian(source),
        BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[16..]));
}
