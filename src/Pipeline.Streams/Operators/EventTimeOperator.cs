using System;

namespace Pipeline.Streams.Operators;

internal sealed class EventTimeOperator<T> : ForwardingOperator<T, T>
{
    private readonly Func<T, long> _timeSelector;

    public EventTimeOperator(Func<T, long> timeSelector, Operator<T> next)
        : base(next)
    {
        _timeSelector = timeSelector;
    }

    public override void OnEvent(in T value, long eventTime) => Next.OnEvent(value, _timeSelector(value));
}
