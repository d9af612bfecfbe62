using System;
using System.Buffers;

namespace Pipeline.Streams.Operators;

internal sealed class RunningSumOperator<T> : Operator<T>
{
    private readonly Func<T, double> _selector;
    private readonly ISink<double> _sink;
    private double _sum;

    public RunningSumOperator(Func<T, double> selector, ISink<double> sink)
    {
        _selector = selector;
        _sink = sink;
    }

    public override void OnEvent(in T value, long eventTime)
    {
        _sum += _selector(value);
        _sink.OnNext(_sum, eventTime);
    }

    public override void OnTick(long time)
    {
    }

    public override void Save(IBufferWriter<byte> output) => StateBinary.WriteDouble(output, _sum);

    public override void Load(ref ReadOnlySpan<byte> input) => _sum = StateBinary.ReadDouble(ref input);

    public override long LateEventCount => 0;

    public override bool HasPendingWindows => false;
}
