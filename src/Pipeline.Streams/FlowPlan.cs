using System;
using Pipeline.Streams.Operators;

namespace Pipeline.Streams;

/// <summary>A complete flow description; <see cref="Build"/> makes a runnable flow from it, as often as needed.</summary>
public sealed class FlowPlan<TSource, TOut>
{
    private readonly Func<ISink<TOut>, Operator<TSource>> _build;

    internal FlowPlan(Func<ISink<TOut>, Operator<TSource>> build)
    {
        _build = build;
    }

    /// <summary>Builds a fresh flow (empty state) whose output goes to <paramref name="sink"/>.</summary>
    /// <remarks>Allocates the operator chain and its initial state; feeding it then allocates nothing in steady state.</remarks>
    public IFlow<TSource> Build(ISink<TOut> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return new FlowInstance<TSource>(_build(sink));
    }
}
