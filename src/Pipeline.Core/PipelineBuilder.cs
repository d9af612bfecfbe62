using System;
using System.Collections.Generic;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.Core;

/// <summary>
/// Builds a graph of handlers over one ring so that the code reads like the data flow:
/// <c>builder.SplitAcross(decodeA, decodeB).Then(ledger).Then(acks)</c>.
/// </summary>
/// <remarks>
/// Every handler runs on its own processor thread. A stage follows the stages it was chained from: it sees an
/// entry only after all of them finished with it, and so sees their writes to it. The last stages gate the
/// producer. Not thread-safe: build on one thread, then <see cref="Build"/> once.
/// </remarks>
public sealed class PipelineBuilder<T>
{
    private readonly RingBuffer<T> _ring;
    private readonly List<Node> _nodes = [];
    private IExceptionHandler<T>? _exceptionHandler;
    private int _maxBatchSize = int.MaxValue;
    private bool _built;

    /// <summary>Builds a pipeline over an existing ring.</summary>
    public PipelineBuilder(RingBuffer<T> ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _ring = ring;
    }

    /// <summary>
    /// Builds a pipeline over a new ring of <paramref name="bufferSize"/> entries (a power of two), filled by
    /// <paramref name="factory"/>; the default producer is single and the default wait strategy blocking.
    /// </summary>
    public PipelineBuilder(int bufferSize, Func<T>? factory = null, ProducerType producerType = ProducerType.Single, IWaitStrategy? waitStrategy = null)
        : this(new RingBuffer<T>(Sequencer.Create(producerType, bufferSize, waitStrategy ?? new BlockingWaitStrategy()), factory))
    {
    }

    /// <summary>The ring the pipeline runs over.</summary>
    public RingBuffer<T> RingBuffer => _ring;

    /// <summary>Where failures go under the default exception handler.</summary>
    public FailureLog Failures { get; } = new();

    /// <summary>Replaces the default exception handler (isolate: report to <see cref="Failures"/> and continue).</summary>
    public PipelineBuilder<T> WithExceptionHandler(IExceptionHandler<T> exceptionHandler)
    {
        ArgumentNullException.ThrowIfNull(exceptionHandler);
        EnsureConfigurable();
        _exceptionHandler = exceptionHandler;
        return this;
    }

    /// <summary>Keeps the default sink (<see cref="Failures"/>) but applies <paramref name="policy"/> to every failure.</summary>
    public PipelineBuilder<T> WithFailurePolicy(FailureAction policy) =>
        WithExceptionHandler(new FailureIsolatingExceptionHandler<T>(Failures, policy));

    /// <summary>Caps how many events a handler gets before its sequence advances (default: all that are available).</summary>
    public PipelineBuilder<T> WithMaxBatchSize(int maxBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        EnsureConfigurable();
        _maxBatchSize = maxBatchSize;
        return this;
    }

    /// <summary>A first stage of one sequenced handler: one thread, every event, strict sequence order.</summary>
    public Stage<T> HandleWith<THandler>(THandler handler, string? name = null)
        where THandler : IEventHandler<T> => AddStage([], [handler], split: false, name);

    /// <summary>A first stage in which every handler sees every event (multicast), each on its own thread.</summary>
    public Stage<T> HandleInParallel<THandler>(params THandler[] handlers)
        where THandler : IEventHandler<T> => AddStage([], handlers, split: false, null);

    /// <summary>A first stage in which each event is handled by exactly one of <paramref name="handlers"/> (split).</summary>
    public Stage<T> SplitAcross<THandler>(params THandler[] handlers)
        where THandler : IEventHandler<T> => AddStage([], handlers, split: true, null);

    /// <summary>As <see cref="SplitAcross{THandler}(THandler[])"/>; the processors are named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public Stage<T> SplitAcross<THandler>(string name, params THandler[] handlers)
        where THandler : IEventHandler<T> => AddStage([], handlers, split: true, name);

    /// <summary>As <see cref="HandleInParallel{THandler}(THandler[])"/>; the processors are named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public Stage<T> HandleInParallel<THandler>(string name, params THandler[] handlers)
        where THandler : IEventHandler<T> => AddStage([], handlers, split: false, name);

    /// <summary>A join point: what is chained from it follows every one of <paramref name="stages"/> (a diamond's tail).</summary>
    public Stage<T> After(params Stage<T>[] stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentOutOfRangeException.ThrowIfZero(stages.Length);
        var nodes = new List<Node>();
        foreach (Stage<T> stage in stages)
        {
            ArgumentNullException.ThrowIfNull(stage);
            if (stage.Builder != this)
            {
                throw new ArgumentException("Every stage must come from this builder.", nameof(stages));
            }

            nodes.AddRange(stage.Nodes);
        }

        return new Stage<T>(this, nodes);
    }

    /// <summary>Creates the pipeline. It does not run until <see cref="EventPipeline{T}.Start"/>.</summary>
    public EventPipeline<T> Build()
    {
        EnsureNotBuilt();
        if (_nodes.Count == 0)
        {
            Internal.ThrowHelper.ThrowNoHandlers();
        }

        _built = true;
        var gating = new List<Sequence>();
        var processors = new List<IEventProcessor>(_nodes.Count);
        foreach (Node node in _nodes)
        {
            processors.Add(node.Processor);
            if (!node.HasSuccessor)
            {
                gating.Add(node.Processor.Sequence);
            }
        }

        _ring.AddGatingSequences([.. gating]);
        return new EventPipeline<T>(_ring, processors, gating.ToArray());
    }

    internal Stage<T> AddStage<THandler>(List<Node> after, THandler[] handlers, bool split, string? name)
        where THandler : IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentOutOfRangeException.ThrowIfZero(handlers.Length, nameof(handlers));
        EnsureNotBuilt();
        var dependencies = new Sequence[after.Count];
        for (int i = 0; i < after.Count; i++)
        {
            dependencies[i] = after[i].Processor.Sequence;
        }

        var added = new List<Node>(handlers.Length);
        for (int i = 0; i < handlers.Length; i++)
        {
            THandler handler = handlers[i];
            ArgumentNullException.ThrowIfNull(handler, nameof(handlers));
            string processorName = name is null
                ? $"{handler.GetType().Name}-{_nodes.Count}"
                : handlers.Length == 1 ? name : $"{name}-{i}";
            var processor = new BatchEventProcessor<T, THandler>(
                _ring,
                _ring.NewBarrier(dependencies),
                handler,
                _exceptionHandler ?? new FailureIsolatingExceptionHandler<T>(Failures),
                processorName,
                _maxBatchSize,
                split ? i : 0,
                split ? handlers.Length : 1);
            var node = new Node(processor);
            _nodes.Add(node);
            added.Add(node);
        }

        foreach (Node node in after)
        {
            node.HasSuccessor = true;
        }

        return new Stage<T>(this, added);
    }

    // Processors take their settings when their stage is added, so settings must come first.
    private void EnsureConfigurable()
    {
        EnsureNotBuilt();
        if (_nodes.Count > 0)
        {
            throw new InvalidOperationException("Configure the builder (exception handler, failure policy, batch size) before adding handlers: stages take the settings when they are added.");
        }
    }

    private void EnsureNotBuilt()
    {
        if (_built)
        {
            Internal.ThrowHelper.ThrowAlreadyBuilt();
        }
    }

    internal sealed class Node(IEventProcessor processor)
    {
        public IEventProcessor Processor { get; } = processor;

        public bool HasSuccessor { get; set; }
    }
}
