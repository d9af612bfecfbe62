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
    public IReadOnlyList<IEventProcessor> Processors => Nodes.ConvertAll(n => n.Processor);

    /// <summary>A sequenced handler after this stage: one thread, every event, in order, after this stage's writes.</summary>
    public Stage<T> Then<THandler>(THandler handler, string? name = null)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, [handler], split: false, name);

    /// <summary>Handlers after this stage that each see every event (multicast), in parallel.</summary>
    public Stage<T> ThenInParallel<THandler>(params THandler[] handlers)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, handlers, split: false, null);

    /// <summary>Handlers after this stage that split the events: each is handled by exactly one of them.</summary>
    public Stage<T> ThenSplit<THandler>(params THandler[] handlers)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, handlers, split: true, null);

    /// <summary>As <see cref="ThenSplit{THandler}(THandler[])"/>; the processors are named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public Stage<T> ThenSplit<THandler>(string name, params THandler[] handlers)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, handlers, split: true, name);

    /// <summary>As <see cref="ThenInParallel{THandler}(THandler[])"/>; the processors are named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public Stage<T> ThenInParallel<THandler>(string name, params THandler[] handlers)
        where THandler : IEventHandler<T> => Builder.AddStage(Nodes, handlers, split: false, name);
}
