using System;
using System.Collections.Generic;
using Pipeline.Core.Processing;

namespace Pipeline.Core;

/// <summary>A set of processors in a <see cref="PipelineBuilder{T}"/>; what is chained from it follows all of them.</summary>
public sealed class Stage<T>
{
    internal Stage(PipelineBuilder<T> builder, List<PipelineBuilder<T>.Node> nodes)
    {
        Builder = builder;
        Nodes = nodes;
    }

    internal PipelineBuilder<T> Builder { get; }

    internal List<PipelineBuilder<T>.Node> Nodes { get; }

    /// <summary>The processors of this stage (their sequences show each one's progress).</summary>
    /// <exception cref="System.InvalidOperationException">The pipeline is not built yet: <see cref="PipelineBuilder{T}.Build"/> creates the processors.</exception>
    public IReadOnlyList<IEventProcessor> Processors => Nodes.ConvertAll(n => n.Processor);

    /// <summary>A sequenced handler after this stage: one thread, every event, in order, after this stage's writes.</summary>
    /// <remarks><paramref name="options"/> replace the builder-wide defaults for the new stage; null keeps them.</remarks>
    public Stage<T> Then<THandler>(THandler handler, string? name = null, StageOptions<T>? options = null)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, [handler], split: false, name, options);

    /// <summary>Handlers after this stage that each see every event (multicast), in parallel.</summary>
    public Stage<T> ThenInParallel<THandler>(params THandler[] handlers)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, handlers, split: false, null, null);

    /// <summary>Handlers after this stage that split the events: each is handled by exactly one of them.</summary>
    public Stage<T> ThenSplit<THandler>(params THandler[] handlers)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, handlers, split: true, null, null);

    /// <summary>As <see cref="ThenSplit{THandler}(THandler[])"/>; the processors are named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public Stage<T> ThenSplit<THandler>(string name, params THandler[] handlers)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, handlers, split: true, name, null);

    /// <summary>As <see cref="ThenSplit{THandler}(string, THandler[])"/>, with <paramref name="options"/> in place of the builder-wide defaults.</summary>
    public Stage<T> ThenSplit<THandler>(string name, StageOptions<T> options, params THandler[] handlers)
        where THandler : IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        return Builder.AddStage(Nodes, handlers, split: true, name, options);
    }

    /// <summary>As <see cref="ThenInParallel{THandler}(THandler[])"/>; the processors are named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public Stage<T> ThenInParallel<THandler>(string name, params THandler[] handlers)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, handlers, split: false, name, null);

    /// <summary>As <see cref="ThenInParallel{THandler}(string, THandler[])"/>, with <paramref name="options"/> in place of the builder-wide defaults.</summary>
    public Stage<T> ThenInParallel<THandler>(string name, StageOptions<T> options, params THandler[] handlers)
        where THandler : IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        return Builder.AddStage(Nodes, handlers, split: false, name, options);
    }
}
