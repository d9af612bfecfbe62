using System;

namespace Pipeline.Streams.Operators;

internal sealed class SelectOperator<TIn, TOut> : ForwardingOperator<TIn, TOut>
{
    private readonly Func<TIn, TOut> _selector;

    public SelectOperator(Func<TIn, TOut> selector, Operator<TOut> next)
        : base(next)
    {
        _selector = selector;
    }

    public override void OnEvent(in TIn value, long eventTime)
    {
        TOut mapped = _selector(value);
        Next.OnEvent(mapped, eventTime);
    }
}
