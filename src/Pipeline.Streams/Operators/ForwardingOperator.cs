using System;
using System.Buffers;

namespace Pipeline.Streams.Operators;

/// <summary>Base of the stateless operators: they hold no state, so ticks, state and counters belong to the next link.</summary>
internal abstract class ForwardingOperator<TIn, TOut> : Operator<TIn>
{
    protected ForwardingOperator(Operator<TOut> next)
    {
        Next = next;
    }

    protected Operator<TOut> Next { get; }

    public sealed override void OnTick(long time) => Next.OnTick(time);

    public sealed override void Save(IBufferWriter<byte> output) => Next.Save(output);

    public sealed override void Load(ref ReadOnlySpan<byte> input) => Next.Load(ref input);

    public sealed override long LateEventCount => Next.LateEventCount;

    public sealed override bool HasPendingWindows => Next.HasPendingWindows;
}
