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
/// producer. A stage takes its settings from its <see cref="StageOptions{T}"/>, and what those leave open from the
/// builder-wide defaults (<see cref="WithExceptionHandler"/>, <see cref="WithMaxBatchSize"/>), which may be given in
/// any order: <see cref="Build"/> resolves them and creates the processors. Not thread-safe: build on one thread,
/// then <see cref="Build"/> once.
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
    /// <remarks>
    /// A default: it applies to every stage that has no exception handler of its own in its <see cref="StageOptions{T}"/>,
    /// whether the stage was added before or after this call (defaults are resolved by <see cref="Build"/>).
    /// </remarks>
    public PipelineBuilder<T> WithExceptionHandler(IExceptionHandler<T> exceptionHandler)
    {
        ArgumentNullException.ThrowIfNull(exceptionHandler);
        EnsureNotBuilt();
        _exceptionHandler = exceptionHandler;
        return this;
    }

    /// <summary>Keeps the default sink (<see cref="Failures"/>) but applies <paramref name="policy"/> to every failure.</summary>
    /// <remarks>A default, as <see cref="WithExceptionHandler"/>: stages with their own exception handler keep it.</remarks>
    public PipelineBuilder<T> WithFailurePolicy(FailureAction policy) =>
        WithExceptionHandler(new FailureIsolatingExceptionHandler<T>(Failures, policy));

    /// <summary>Caps how many events a handler gets before its sequence advances (default: all that are available).</summary>
    /// <remarks>
    /// A default: it applies to every stage that has no cap of its own in its <see cref="StageOptions{T}"/>, whether
    /// the stage was added before or after this call (defaults are resolved by <see cref="Build"/>).
    /// </remarks>
    public PipelineBuilder<T> WithMaxBatchSize(int maxBatchSize)
    {
        if (maxBatchSize <= 0)
        {
            Internal.ThrowHelper.ThrowMaxBatchSizeOutOfRange(maxBatchSize, nameof(maxBatchSize));
        }

        EnsureNotBuilt();
        _maxBatchSize = maxBatchSize;
        return this;
    }

    /// <summary>A first stage of one sequenced handler: one thread, every event, strict sequence order.</summary>
    /// <remarks><paramref name="options"/> replace the builder-wide defaults for this stage; null keeps them.</remarks>
    public Stage<T> HandleWith<THandler>(THandler handler, string? name = null, StageOptions<T>? options = null)
        where THandler : IEventHandler<T> => AddStage([], [handler], split: false, name, options);

    /// <summary>A first stage in which every handler sees every event (multicast), each on its own thread.</summary>
    public Stage<T> HandleInParallel<THandler>(params THandler[] handlers)
        where THandler : IEventHandler<T> => AddStage([], handlers, split: false, null, null);

    /// <summary>A first stage in which each event is handled by exactly one of <paramref name="handlers"/> (split).</summary>
    public Stage<T> SplitAcross<THandler>(params THandler[] handlers)
        where THandler : IEventHandler<T> => AddStage([], handlers, split: true, null, null);

    /// <summary>As <see cref="SplitAcross{THandler}(THandler[])"/>; the processors are named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public Stage<T> SplitAcross<THandler>(string name, params THandler[] handlers)
        where THandler : IEventHandler<T> => AddStage([], handlers, split: true, name, null);

    /// <summary>As <see cref="SplitAcross{THandler}(string, THandler[])"/>, with <paramref name="options"/> in place of the builder-wide defaults.</summary>
    public Stage<T> SplitAcross<THandler>(string name, StageOptions<T> options, params THandler[] handlers)
        where THandler : IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        return AddStage([], handlers, split: true, name, options);
    }

    /// <summary>As <see cref="HandleInParallel{THandler}(THandler[])"/>; the processors are named <c>{name}-0</c>, <c>{name}-1</c>, ...</summary>
    public Stage<T> HandleInParallel<THandler>(string name, params THandler[] handlers)
        where THandler : IEventHandler<T> => AddStage([], handlers, split: false, name, null);

    /// <summary>As <see cref="HandleInParallel{THandler}(string, THandler[])"/>, with <paramref name="options"/> in place of the builder-wide defaults.</summary>
    public Stage<T> HandleInParallel<THandler>(string name, StageOptions<T> options, params THandler[] handlers)
        where THandler : IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        return AddStage([], handlers, split: false, name, options);
    }

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
        IExceptionHandler<T> defaultExceptionHandler = _exceptionHandler ?? new FailureIsolatingExceptionHandler<T>(Failures);
        var gating = new List<Sequence>();
        var processors = new List<IEventProcessor>(_nodes.Count);
        foreach (Node node in _nodes)
        {
            // A node is added after every node it follows, so their processors (and sequences) exist by now.
            node.CreateProcessor(_ring, defaultExceptionHandler, _maxBatchSize);
            processors.Add(node.Processor);
            if (!node.HasSuccessor)
            {
                gating.Add(node.Processor.Sequence);
            }
        }

        _ring.AddGatingSequences([.. gating]);
        return new EventPipeline<T>(_ring, processors, gating.ToArray());
    }

    internal Stage<T> AddStage<THandler>(List<Node> after, THandler[] handlers, bool split, string? name, StageOptions<T>? options)
        where THandler : IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentOutOfRangeException.ThrowIfZero(handlers.Length, nameof(handlers));
        EnsureNotBuilt();
        foreach (THandler handler in handlers)
        {
            ArgumentNullException.ThrowIfNull(handler, nameof(handlers));
        }

        Node[] follows = [.. after];
        var added = new List<Node>(handlers.Length);
        for (int i = 0; i < handlers.Length; i++)
        {
            THandler handler = handlers[i];
            string processorName = name is null
                ? $"{handler.GetType().Name}-{_nodes.Count}"
                : handlers.Length == 1 ? name : $"{name}-{i}";
            int partitionIndex = split ? i : 0;
            int partitionCount = split ? handlers.Length : 1;
            var node = new Node(follows, options, (ring, barrier, exceptionHandler, maxBatchSize) =>
                new BatchEventProcessor<T, THandler>(ring, barrier, handler, exceptionHandler, processorName, maxBatchSize, partitionIndex, partitionCount));
            _nodes.Add(node);
            added.Add(node);
        }

        foreach (Node node in after)
        {
            node.HasSuccessor = true;
        }

        return new Stage<T>(this, added);
    }

    private void EnsureNotBuilt()
    {
        if (_built)
        {
            Internal.ThrowHelper.ThrowAlreadyBuilt();
        }
    }

    // A stage's processors are created by Build, so that the builder-wide defaults are known, whatever the order
    // of the calls. Until then a node holds what the processor is made of.
    internal sealed class Node
    {
        private readonly Node[] _follows;
        private readonly StageOptions<T>? _options;
        private readonly Func<RingBuffer<T>, SequenceBarrier, IExceptionHandler<T>, int, IEventProcessor> _create;
        private IEventProcessor? _processor;

        public Node(Node[] follows, StageOptions<T>? options, Func<RingBuffer<T>, SequenceBarrier, IExceptionHandler<T>, int, IEventProcessor> create)
        {
            _follows = follows;
            _options = options;
            _create = create;
        }

        public IEventProcessor Processor
        {
            get
            {
                if (_processor is null)
                {
                    Internal.ThrowHelper.ThrowNotBuilt();
                }

                return _processor;
            }
        }

        public bool HasSuccessor { get; set; }

        public void CreateProcessor(RingBuffer<T> ring, IExceptionHandler<T> defaultExceptionHandler, int defaultMaxBatchSize)
        {
            var dependencies = new Sequence[_follows.Length];
            for (int i = 0; i < _follows.Length; i++)
            {
                dependencies[i] = _follows[i].Processor.Sequence;
            }

            _processor = _create(
                ring,
                ring.NewBarrier(dependencies),
                _options?.ExceptionHandler ?? defaultExceptionHandler,
                _options?.MaxBatchSize ?? defaultMaxBatchSize);
        }
    }
}
