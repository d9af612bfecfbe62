using System;
using System.Buffers;

namespace Pipeline.Streams.Operators;

/// <summary>The end of a chain without an aggregate: hands every event to the user's sink.</summary>
internal sealed class SinkOperator<T> : Operator<T>
{
    private readonly ISink<T> _sink;

    public SinkOperator(ISink<T> sink)
    {
        _sink = sink;
    }

    public override void OnEvent(in T value, long eventTime) => _sink.OnNext(value, eventTime);

    public override void OnTick(long time)
    {
    }

    public override void Save(IBufferWriter<byte> output)
    {
    }

    public override void Load(ref ReadOnlySpan<byte> input)
    {
    }

    public override long LateEventCount => 0;

    public override bool HasPendingWindows => false;
}
