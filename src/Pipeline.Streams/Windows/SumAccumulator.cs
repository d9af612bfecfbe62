using System;
using System.Buffers;

namespace Pipeline.Streams;

/// <summary>The sum of a value of the events in the window.</summary>
public sealed class SumAccumulator<T> : IAccumulator<T, double, double>, IStateSerializer<double>
{
    private readonly Func<T, double> _selector;

    /// <param name="selector">The value of an event that is aggregated.</param>
    public SumAccumulator(Func<T, double> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _selector = selector;
    }

    /// <inheritdoc/>
    public double Create() => 0;

    /// <inheritdoc/>
    public void Add(ref double accumulator, in T value) => accumulator += _selector(value);

    /// <inheritdoc/>
    public void Merge(ref double accumulator, in double later) => accumulator += later;

    /// <inheritdoc/>
    public double Result(in double accumulator) => accumulator;

    /// <inheritdoc/>
    public void Write(IBufferWriter<byte> output, in double value) => StateBinary.WriteDouble(output, value);

    /// <inheritdoc/>
    public double Read(ref ReadOnlySpan<byte> input) => StateBinary.ReadDouble(ref input);
}
