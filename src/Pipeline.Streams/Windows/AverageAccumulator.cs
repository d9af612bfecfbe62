using System;
using System.Buffers;

namespace Pipeline.Streams;

/// <summary>The mean of a value of the events in the window (sum / count, computed when the window closes).</summary>
public sealed class AverageAccumulator<T> : IAccumulator<T, AverageState, double>, IStateSerializer<AverageState>
{
    private readonly Func<T, double> _selector;

    /// <param name="selector">The value of an event that is aggregated.</param>
    public AverageAccumulator(Func<T, double> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _selector = selector;
    }

    /// <inheritdoc/>
    public AverageState Create() => default;

    /// <inheritdoc/>
    public void Add(ref AverageState accumulator, in T value)
    {
        accumulator.Sum += _selector(value);
        accumulator.Count++;
    }

    /// <inheritdoc/>
    public void Merge(ref AverageState accumulator, in AverageState later)
    {
        accumulator.Sum += later.Sum;
        accumulator.Count += later.Count;
    }

    /// <inheritdoc/>
    public double Result(in AverageState accumulator) => accumulator.Sum / accumulator.Count;

    /// <inheritdoc/>
    public void Write(IBufferWriter<byte> output, in AverageState value)
    {
        StateBinary.WriteDouble(output, value.Sum);
        StateBinary.WriteInt64(output, value.Count);
    }

    /// <inheritdoc/>
    public AverageState Read(ref ReadOnlySpan<byte> input)
    {
        double sum = StateBinary.ReadDouble(ref input);
        long count = StateBinary.ReadInt64(ref input);
        return new AverageState { Sum = sum, Count = count };
    }
}
