using System;
using System.Buffers;

namespace Pipeline.Streams;

/// <summary>Writes and reads one value of a key or accumulator type in a snapshot.</summary>
/// <remarks>Needed only for types that are not built in (<see cref="StateSerializers"/>); used only by Snapshot and Restore, never per event.</remarks>
public interface IStateSerializer<T>
{
    /// <summary>Appends one value to the snapshot.</summary>
    void Write(IBufferWriter<byte> output, in T value);

    /// <summary>Reads one value and advances <paramref name="input"/> past it.</summary>
    T Read(ref ReadOnlySpan<byte> input);
}
