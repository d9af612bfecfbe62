using System;
using System.Collections.Generic;

namespace Pipeline.Streams.Operators;

/// <summary>A flat-map: each event becomes zero or more events at the same event time, in the order emitted.</summary>
internal sealed class SelectManyOperator<TIn, TOut> : ForwardingOperator<TIn, TOut>, IEmitter<TOut>
{
    private readonly FlatMap<TIn, TOut> _expand;
    private long _eventTime;

    public SelectManyOperator(FlatMap<TIn, TOut> expand, Operator<TOut> next)
        : base(next)
    {
        _expand = expand;
    }

    public override void OnEvent(in TIn value, long eventTime)
    {
        _eventTime = eventTime;
        _expand(value, this);
    }

    public void Emit(in TOut value) => Next.OnEvent(value, _eventTime);

    /// <summary>The convenience form over an enumerable (allocates what the selector and its enumerator allocate).</summary>
    public static FlatMap<TIn, TOut> FromEnumerable(Func<TIn, IEnumerable<TOut>> selector) => (in TIn value, IEmitter<TOut> emit) =>
    {
        foreach (TOut item in selector(value))
        {
            emit.Emit(item);
        }
    };
}
