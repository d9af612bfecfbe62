using System;
using System.Buffers;

namespace Pipeline.Streams.Operators;

internal sealed class RunningCountOperator<T> : Operator<T>
{
    private readonly ISink<long> _sink;
    private long _count;

    public RunningCountOperator(ISink<long> sink)
    {
        _sink = sink;
    }

    public override void OnEvent(in T value, long eventTime)
    {
        _count++;
        _sink.OnNext(_count, eventTime);
    }

    public override void OnTick(long time)
    {
    }

    public override void Save(IBufferWriter<byte> output) => StateBinary.WriteInt64(output, _count);

    public override void Load(ref ReadOnlySpan<byte> input) => _count = StateBinary.ReadInt64(ref input);

    public override long LateEventCount => 0;

    public override bool HasPendingWindows => false;
}
