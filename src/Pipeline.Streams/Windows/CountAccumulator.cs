using System;
using System.Buffers;

namespace Pipeline.Streams;

/// <summary>The number of events in the window.</summary>
public sealed class CountAccumulator<T> : IAccumulator<T, long, long>, IStateSerializer<long>
{
    /// <inheritdoc/>
    public long Create() => 0;

    /// <inheritdoc/>
    public void Add(ref long accumulator, in T value) => accumulator++;

    /// <inheritdoc/>
    public void Merge(ref long accumulator, in long later) => accumulator += later;

    /// <inheritdoc/>
    public long Result(in long accumulator) => accumulator;

    /// <inheritdoc/>
    public void Write(IBufferWriter<byte> output, in long value) => StateBinary.WriteInt64(output, value);

    /// <inheritdoc/>
    public long Read(ref ReadOnlySpan<byte> input) => StateBinary.ReadInt64(ref input);
}
