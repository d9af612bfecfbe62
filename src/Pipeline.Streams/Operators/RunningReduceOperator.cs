using System;
using System.Buffers;

namespace Pipeline.Streams.Operators;

internal sealed class RunningReduceOperator<T> : Operator<T>
{
    private readonly Func<T, T, T> _reduce;
    private readonly ISink<T> _sink;
    private readonly IStateSerializer<T>? _serializer;
    private bool _hasValue;
    private T _current = default!;

    public RunningReduceOperator(Func<T, T, T> reduce, IStateSerializer<T>? serializer, ISink<T> sink)
    {
        _reduce = reduce;
        _serializer = serializer;
        _sink = sink;
    }

    public override void OnEvent(in T value, long eventTime)
    {
        _current = _hasValue ? _reduce(_current, value) : value;
        _hasValue = true;
        _sink.OnNext(_current, eventTime);
    }

    public override void OnTick(long time)
    {
    }

    public override void Save(IBufferWriter<byte> output)
    {
        IStateSerializer<T> serializer = _serializer ?? throw ThrowHelper.NoSerializer(typeof(T));
        StateBinary.WriteInt32(output, _hasValue ? 1 : 0);
        if (_hasValue)
        {
            serializer.Write(output, _current);
        }
    }

    public override void Load(ref ReadOnlySpan<byte> input)
    {
        IStateSerializer<T> serializer = _serializer ?? throw ThrowHelper.NoSerializer(typeof(T));
        _hasValue = StateBinary.ReadInt32(ref input) != 0;
        _current = _hasValue ? serializer.Read(ref input) : default!;
    }

    public override long LateEventCount => 0;

    public override bool HasPendingWindows => false;
}
