using System;

namespace Pipeline.Streams.Operators;

internal sealed class WhereOperator<T> : ForwardingOperator<T, T>
{
    private readonly Func<T, bool> _predicate;

    public WhereOperator(Func<T, bool> predicate, Operator<T> next)
        : base(next)
    {
        _predicate = predicate;
    }

    public override void OnEvent(in T value, long eventTime)
    {
        if (_predicate(value))
        {
            Next.OnEvent(value, eventTime);
        }
    }
}
