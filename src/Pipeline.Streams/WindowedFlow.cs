using System;
using Pipeline.Streams.Operators;

namespace Pipeline.Streams;

/// <summary>A windowed flow waiting for its aggregate; each aggregate gives a plan of <see cref="WindowResult{TKey, TOut}"/>.</summary>
public sealed class WindowedFlow<TSource, TKey, T>
    where TKey : notnull
{
    private readonly Flow<TSource, T> _upstream;
    private readonly Func<T, TKey> _keySelector;
    private readonly IStateSerializer<TKey>? _keySerializer;
    private readonly WindowSpec _spec;
    private readonly long _lateness;
    private readonly LatePolicy _late;
    private readonly ISink<T>? _lateSink;

    internal WindowedFlow(
        Flow<TSource, T> upstream,
        Func<T, TKey> keySelector,
        IStateSerializer<TKey>? keySerializer,
        WindowSpec spec,
        long lateness,
        LatePolicy late,
        ISink<T>? lateSink)
    {
        _upstream = upstream;
        _keySelector = keySelector;
        _keySerializer = keySerializer;
        _spec = spec;
        _lateness = lateness;
        _late = late;
        _lateSink = lateSink;
    }

    /// <summary>The number of events per window and key.</summary>
    public FlowPlan<TSource, WindowResult<TKey, long>> Count() => Aggregate(new CountAccumulator<T>());

    /// <summary>The sum of a value per window and key.</summary>
    public FlowPlan<TSource, WindowResult<TKey, double>> Sum(Func<T, double> selector) => Aggregate(new SumAccumulator<T>(selector));

    /// <summary>The smallest value per window and key.</summary>
    public FlowPlan<TSource, WindowResult<TKey, double>> Min(Func<T, double> selector) => Aggregate(new MinAccumulator<T>(selector));

    /// <summary>The largest value per window and key.</summary>
    public FlowPlan<TSource, WindowResult<TKey, double>> Max(Func<T, double> selector) => Aggregate(new MaxAccumulator<T>(selector));

    /// <summary>The mean of a value per window and key.</summary>
    public FlowPlan<TSource, WindowResult<TKey, double>> Average(Func<T, double> selector) =>
        Aggregate(new AverageAccumulator<T>(selector));

    /// <summary>A user-defined aggregate. For snapshots, <paramref name="accumulatorSerializer"/> or the accumulator
    /// itself must implement <see cref="IStateSerializer{T}"/> of <typeparamref name="TAcc"/>.</summary>
    public FlowPlan<TSource, WindowResult<TKey, TOut>> Aggregate<TAcc, TOut>(
        IAccumulator<T, TAcc, TOut> accumulator, IStateSerializer<TAcc>? accumulatorSerializer = null)
        where TAcc : struct
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        IStateSerializer<TAcc>? state = accumulatorSerializer ?? accumulator as IStateSerializer<TAcc>;
        if (_spec.IsSession)
        {
            return new FlowPlan<TSource, WindowResult<TKey, TOut>>(sink => _upstream.Attach(
                new SessionOperator<T, TKey, TAcc, TOut>(_spec.Size, _lateness, _keySelector, accumulator, _keySerializer, state, sink, _lateSink)));
        }

        return new FlowPlan<TSource, WindowResult<TKey, TOut>>(sink => _upstream.Attach(
            new WindowOperator<T, TKey, TAcc, TOut>(_spec, _lateness, _late, _keySelector, accumulator, _keySerializer, state, sink, _lateSink)));
    }
}
