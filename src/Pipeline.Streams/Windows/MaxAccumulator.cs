using System;
using System.Buffers;

namespace Pipeline.Streams;

/// <summary>The largest value of the events in the window (NaN if any value is NaN, as <see cref="Math.Max(double, double)"/>).</summary>
public sealed class MaxAccumulator<T> : IAccumulator<T, double, double>, IStateSerializer<double>
{
    private readonly Func<T, double> _selector;

    /// <param name="selector">The value of an event that is aggregated.</param>
    public MaxAccumulator(Func<T, double> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _selector = selector;
    }

    /// <inheritdoc/>
    public double Create() => double.NegativeInfinity;

    /// <inheritdoc/>
    public void Add(ref double accumulator, in T value) => accumulator = Math.Max(accumulator, _selector(value));

    /// <inheritdoc/>
    public void Merge(ref double accumulator, in double later) => accumulator = Math.Max(accumulator, later);

    /// <inheritdoc/>
    public double Result(in double accumulator) => accumulator;

    /// <inheritdoc/>
    public void Write(IBufferWriter<byte> output, in double value) => StateBinary.WriteDouble(output, value);

    /// <inheritdoc/>
    public double Read(ref ReadOnlySpan<byte> input) => StateBinary.ReadDouble(ref input);
}
