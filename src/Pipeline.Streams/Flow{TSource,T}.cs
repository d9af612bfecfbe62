using System;
using Pipeline.Streams.Operators;

namespace Pipeline.Streams;

/// <summary>An immutable description of a flow fed with <typeparamref name="TSource"/> whose current output is <typeparamref name="T"/>.</summary>
/// <remarks>Each method returns a new description; nothing runs until a terminal call's plan is built. The delegates
/// passed here run per event, on the feeding thread: they must not allocate if the flow is to stay allocation-free.</remarks>
public sealed class Flow<TSource, T>
{
    // Given the operator that consumes this flow's output, builds the chain from the source up to it.
    private readonly Func<Operator<T>, Operator<TSource>> _attach;

    internal Flow(Func<Operator<T>, Operator<TSource>> attach)
    {
        _attach = attach;
    }

    internal Operator<TSource> Attach(Operator<T> next) => _attach(next);

    /// <summary>Keeps the events for which <paramref name="predicate"/> is true.</summary>
    public Flow<TSource, T> Where(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new Flow<TSource, T>(next => _attach(new WhereOperator<T>(predicate, next)));
    }

    /// <summary>Maps every event to <typeparamref name="TOut"/>; the event time passes unchanged.</summary>
    public Flow<TSource, TOut> Select<TOut>(Func<T, TOut> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new Flow<TSource, TOut>(next => _attach(new SelectOperator<T, TOut>(selector, next)));
    }

    /// <summary>
    /// Flat-map: each event becomes the zero or more events <paramref name="expand"/> emits, at the same event time,
    /// in the order emitted. Allocation-free if <paramref name="expand"/> is (it is given an emitter, not asked for a
    /// collection).
    /// </summary>
    public Flow<TSource, TOut> SelectMany<TOut>(FlatMap<T, TOut> expand)
    {
        ArgumentNullException.ThrowIfNull(expand);
        return new Flow<TSource, TOut>(next => _attach(new SelectManyOperator<T, TOut>(expand, next)));
    }

    /// <summary>Flat-map over a sequence per event (LINQ's form; allocates what the sequence and its enumerator do).</summary>
    public Flow<TSource, TOut> SelectMany<TOut>(Func<T, System.Collections.Generic.IEnumerable<TOut>> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return SelectMany(SelectManyOperator<T, TOut>.FromEnumerable(selector));
    }

    /// <summary>Replaces the event time passed with each event by a time read from the event.</summary>
    public Flow<TSource, T> EventTime(Func<T, long> timeSelector)
    {
        ArgumentNullException.ThrowIfNull(timeSelector);
        return new Flow<TSource, T>(next => _attach(new EventTimeOperator<T>(timeSelector, next)));
    }

    /// <summary>Partitions the flow by key for the window that follows; <paramref name="keySerializer"/> is needed
    /// for snapshots only when <typeparamref name="TKey"/> is not built in (see <see cref="StateSerializers"/>).</summary>
    public KeyedFlow<TSource, TKey, T> KeyBy<TKey>(Func<T, TKey> keySelector, IStateSerializer<TKey>? keySerializer = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        return new KeyedFlow<TSource, TKey, T>(this, keySelector, keySerializer ?? StateSerializers.For<TKey>());
    }

    /// <summary>A global (unkeyed) window: every event falls under <see cref="GlobalKey"/>.</summary>
    /// <param name="spec">The window shape.</param>
    /// <param name="lateness">Allowed lateness in event-time units: the watermark is the highest time seen minus it.</param>
    /// <param name="late">What happens to an event whose window has closed.</param>
    /// <param name="lateSink">Receives late events; they are counted whether or not it is given.</param>
    public WindowedFlow<TSource, GlobalKey, T> Window(
        WindowSpec spec, long lateness = 0, LatePolicy late = LatePolicy.SideOutput, ISink<T>? lateSink = null) =>
        KeyBy(static _ => default(GlobalKey)).Window(spec, lateness, late, lateSink);

    /// <summary>The running sum of a value, emitted after every event.</summary>
    public FlowPlan<TSource, double> Sum(Func<T, double> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return new FlowPlan<TSource, double>(sink => _attach(new RunningSumOperator<T>(selector, sink)));
    }

    /// <summary>The running count of events, emitted after every event.</summary>
    public FlowPlan<TSource, long> Count() =>
        new(sink => _attach(new RunningCountOperator<T>(sink)));

    /// <summary>The running reduction (the first event, then reduce(previous, event)), emitted after every event;
    /// <paramref name="serializer"/> is needed for snapshots when <typeparamref name="T"/> is not built in.</summary>
    public FlowPlan<TSource, T> Reduce(Func<T, T, T> reduce, IStateSerializer<T>? serializer = null)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        IStateSerializer<T>? state = serializer ?? StateSerializers.For<T>();
        return new FlowPlan<TSource, T>(sink => _attach(new RunningReduceOperator<T>(reduce, state, sink)));
    }

    /// <summary>Every event as it is, to the sink.</summary>
    public FlowPlan<TSource, T> To() => new(sink => _attach(new SinkOperator<T>(sink)));
}
