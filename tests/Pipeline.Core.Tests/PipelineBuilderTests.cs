using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class PipelineBuilderTests
{
    private const int RingSize = 16;
    private const int EventCount = 30_000;

    [Fact]
    public void After_DiamondOfSeparateBranches_JoinSeesBothBranchesAndBranchesSeeTheHead()
    {
        int eventCount = StressScale.Of(EventCount);
        var a = new StageHandler(StageMark.A);
        var b = new StageHandler(StageMark.B, StageMark.A);
        var c = new StageHandler(StageMark.C, StageMark.A);
        var d = new StageHandler(StageMark.D, StageMark.A, StageMark.B, StageMark.C);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> stageA = builder.HandleWith(a, "a");
        Stage<TestEvent> stageB = stageA.Then(b, "b");
        Stage<TestEvent> stageC = stageA.Then(c, "c");
        Stage<TestEvent> stageD = builder.After(stageB, stageC).Then(d, "d");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        b.Follow(stageA.Processors);
        c.Follow(stageA.Processors);
        d.Follow([.. stageB.Processors, .. stageC.Processors]);
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, eventCount);
        bool drained = pipeline.Drain(TestTimeouts.Stress);

        Assert.True(drained);
        foreach (StageHandler handler in new[] { a, b, c, d })
        {
            Assert.Null(handler.Record.FirstViolation);
            Assert.Equal(eventCount, handler.Record.Count);
        }

        Assert.Equal(eventCount - 1, stageD.Processors[0].Sequence.Value);
        Assert.Equal(4, pipeline.Processors.Count);
    }

    [Fact]
    public void SplitAcross_ThreeHandlersThenSequencedStage_EachEventHandledByExactlyOne()
    {
        int eventCount = StressScale.Of(EventCount);
        SplitHandler[] workers =
        [
            new SplitHandler(0, StageMark.A),
            new SplitHandler(1, StageMark.A),
            new SplitHandler(2, StageMark.A),
        ];
        var tail = new SplitTailHandler(workers.Length);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> split = builder.SplitAcross(workers);
        split.Then(tail);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        RingBuffer<TestEvent> ring = pipeline.RingBuffer;
        pipeline.Start();

        using var deadline = new CancellationTokenSource(TestTimeouts.Stress);
        for (long i = 0; i < eventCount; i++)
        {
            long sequence = ring.Next(1, deadline.Token);
            // The split workers require mark A; with no stage before them, the producer sets it.
            ring[sequence].Reset(sequence);
            ring[sequence].SetMark(StageMark.A, sequence);
            ring.Publish(sequence);
        }

        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(3, split.Processors.Count);
        Assert.All(workers, w => Assert.Null(w.FirstViolation));
        Assert.All(workers, w => Assert.True(w.Count > 0, "a split handler got no work"));
        Assert.Equal(eventCount, workers.Sum(w => w.Count));
        Assert.Null(tail.FirstViolation);
        Assert.Equal(eventCount, tail.Count);
        Assert.Equal(workers.Select(w => w.Count), tail.HandledPerOwner);
    }

    [Fact]
    public void SplitAcross_HandlerThrowsUnderDefaultPolicy_ReportsOnceAndTailSeesEveryEvent()
    {
        ThrowingHandler[] workers = [new ThrowingHandler(4, 9), new ThrowingHandler(4, 9)];
        var tail = new RecordingHandler();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.SplitAcross(workers).Then(tail);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 40);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal([4L, 9L], builder.Failures.Recent().Select(f => f.Sequence).Order());
        Assert.Equal(38, workers.Sum(w => w.Handled));
        Assert.All(workers, w => Assert.Equal(20, w.Attempted));
        Assert.Equal(40, tail.Record.Count);
        Assert.Null(tail.Record.FirstViolation);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task SplitAcross_HandlerThrowsUnderHaltPolicy_StopsThatHandlerBeforeTheFailedEvent()
    {
        ThrowingHandler[] workers = [new ThrowingHandler(), new ThrowingHandler(7)];
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.WithFailurePolicy(FailureAction.Halt);
        Stage<TestEvent> split = builder.SplitAcross(workers);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 12);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        // Drain gives up as soon as the failed partition stops; Halt would stop the other one after its current
        // batch, wherever a starved thread had got to, so let it finish its events first.
        bool otherDone = SpinWait.SpinUntil(() => split.Processors[0].Sequence.Value == 11, TestTimeouts.Default);
        bool halted = pipeline.Halt(TestTimeouts.Default);
        var fault = await Assert.ThrowsAsync<HandlerFaultException>(() => pipeline.Completion.WaitAsync(TestTimeouts.Default));

        Assert.False(drained);
        Assert.True(otherDone);
        Assert.True(halted);
        Assert.Equal(7, fault.Sequence);
        Assert.Equal(6, split.Processors[1].Sequence.Value);
        Assert.Equal(3, workers[1].Handled);
        Assert.Equal(6, pipeline.ProcessedSequence); // the other partition did all of its events, this one stopped at 6
    }

    [Fact]
    public void HandleInParallel_ThreeHandlers_EachSeesEveryEvent()
    {
        int eventCount = StressScale.Of(EventCount);
        RecordingHandler[] handlers = [new RecordingHandler(), new RecordingHandler(), new RecordingHandler()];
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> multicast = builder.HandleInParallel(handlers);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, eventCount);
        bool drained = pipeline.Drain(TestTimeouts.Stress);

        Assert.True(drained);
        Assert.Equal(3, multicast.Processors.Count);
        Assert.All(handlers, h => Assert.Null(h.Record.FirstViolation));
        Assert.All(handlers, h => Assert.Equal(eventCount, h.Record.Count));
    }

    [Fact]
    public void Build_OnlyLastStagesGateTheProducer()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> head = builder.HandleWith(new RecordingHandler());
        Stage<TestEvent> branchOne = head.Then(new RecordingHandler());
        Stage<TestEvent> branchTwo = head.Then(new RecordingHandler());

        using EventPipeline<TestEvent> pipeline = builder.Build();
        Sequence[] gating = builder.RingBuffer.Sequencer.GatingSequences;

        Assert.Equal(2, gating.Length);
        Assert.Contains(branchOne.Processors[0].Sequence, gating);
        Assert.Contains(branchTwo.Processors[0].Sequence, gating);
        Assert.DoesNotContain(head.Processors[0].Sequence, gating);
    }

    [Fact]
    public void Build_Twice_ThrowsInvalidOperation()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(new RecordingHandler());
        using EventPipeline<TestEvent> pipeline = builder.Build();

        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void Build_WithNoHandlers_ThrowsInvalidOperation()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());

        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void HandleWith_AfterBuild_ThrowsInvalidOperation()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> head = builder.HandleWith(new RecordingHandler());
        using EventPipeline<TestEvent> pipeline = builder.Build();

        Assert.Throws<InvalidOperationException>(() => builder.HandleWith(new RecordingHandler()));
        Assert.Throws<InvalidOperationException>(() => head.Then(new RecordingHandler()));
        Assert.Throws<InvalidOperationException>(() => builder.WithMaxBatchSize(4));
        Assert.Throws<InvalidOperationException>(() => builder.WithFailurePolicy(FailureAction.Halt));
    }

    [Fact]
    public void HandleWith_NullHandler_ThrowsArgumentNull()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());

        Assert.Throws<ArgumentNullException>(() => builder.HandleWith<RecordingHandler>(null!));
        Assert.Throws<ArgumentNullException>(() => builder.HandleWith<IEventHandler<TestEvent>>(null!));
        Assert.Throws<ArgumentNullException>(() => builder.HandleInParallel<RecordingHandler>((RecordingHandler[])null!));
        Assert.Throws<ArgumentNullException>(() => builder.SplitAcross(new RecordingHandler(), null!));
    }

    [Fact]
    public void SplitAcross_NoHandlers_ThrowsArgumentOutOfRange()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.SplitAcross<RecordingHandler>());
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.HandleInParallel<RecordingHandler>());
    }

    [Fact]
    public void After_InvalidStages_Throws()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        var otherBuilder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> foreign = otherBuilder.HandleWith(new RecordingHandler());

        Assert.Throws<ArgumentNullException>(() => builder.After(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.After());
        Assert.Throws<ArgumentNullException>(() => builder.After([null!]));
        var exception = Assert.Throws<ArgumentException>(() => builder.After(foreign));
        Assert.Equal("stages", exception.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void WithMaxBatchSize_NotPositive_ThrowsArgumentOutOfRange(int maxBatchSize)
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithMaxBatchSize(maxBatchSize));

        Assert.Equal("maxBatchSize", exception.ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public void WithFailurePolicy_UndefinedAction_ThrowsArgumentOutOfRange(int policy)
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithFailurePolicy((FailureAction)policy));

        Assert.Equal("policy", exception.ParamName);
    }

    [Fact]
    public void WithExceptionHandler_Null_ThrowsArgumentNull()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());

        Assert.Throws<ArgumentNullException>(() => builder.WithExceptionHandler(null!));
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new PipelineBuilder<TestEvent>(null!));
        Assert.Throws<ArgumentNullException>(() => new PipelineBuilder<TestEvent>(RingSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PipelineBuilder<TestEvent>(12, () => new TestEvent()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PipelineBuilder<TestSlot>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PipelineBuilder<TestSlot>(RingSize, null, (ProducerType)7));
    }

    [Fact]
    public void Constructor_Defaults_SingleProducerAndBlockingStrategy()
    {
        var builder = new PipelineBuilder<TestSlot>(RingSize);

        Sequencer sequencer = builder.RingBuffer.Sequencer;

        Assert.IsType<SingleProducerSequencer>(sequencer);
        Assert.IsType<BlockingWaitStrategy>(sequencer.WaitStrategy);
        Assert.Equal(RingSize, builder.RingBuffer.BufferSize);
        Assert.Equal(0, builder.Failures.Count);
    }

    [Fact]
    public void HandleWith_StageExceptionHandler_GetsOnlyThatStagesFailures()
    {
        var own = new FailureRecorder();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(new ThrowingHandler(2, 5), "own", new StageOptions<TestEvent> { ExceptionHandler = own })
            .Then(new ThrowingHandler(3), "default");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 8);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal([("own", 2L), ("own", 5L)], own.Failures);
        HandlerFailure other = Assert.Single(builder.Failures.Recent());
        Assert.Equal(("default", 3L), (other.HandlerName, other.Sequence));
    }

    [Fact]
    public void StageOptions_OnEveryWayToAddAStage_EachStageUsesItsOwnExceptionHandler()
    {
        FailureRecorder[] recorders = [new(), new(), new(), new(), new(), new()];
        StageOptions<TestEvent>[] options = [.. recorders.Select(r => new StageOptions<TestEvent> { ExceptionHandler = r })];
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> handle = builder.HandleWith(new ThrowingHandler(1), "handle", options[0]);
        Stage<TestEvent> split = builder.SplitAcross("split", options[1], new ThrowingHandler(2), new ThrowingHandler(2));
        Stage<TestEvent> parallel = builder.HandleInParallel("parallel", options[2], new ThrowingHandler(3), new ThrowingHandler(3));
        builder.After(handle, split, parallel)
            .Then(new ThrowingHandler(4), "then", options[3])
            .ThenSplit("thenSplit", options[4], new ThrowingHandler(5), new ThrowingHandler(5))
            .ThenInParallel("thenParallel", options[5], new ThrowingHandler(6), new ThrowingHandler(6));
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 8);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal([("handle", 1L)], recorders[0].Failures);
        Assert.Equal([("split-0", 2L)], recorders[1].Failures); // a split stage gives event 2 to partition 0 only
        Assert.Equal([("parallel-0", 3L), ("parallel-1", 3L)], recorders[2].Failures.Order());
        Assert.Equal([("then", 4L)], recorders[3].Failures);
        Assert.Equal([("thenSplit-1", 5L)], recorders[4].Failures);
        Assert.Equal([("thenParallel-0", 6L), ("thenParallel-1", 6L)], recorders[5].Failures.Order());
        Assert.Equal(0, builder.Failures.Count);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task StageOptions_MaxBatchSize_CapsThatStagesBatchesOnly()
    {
        using var headGate = new ManualResetEventSlim();
        using var tailGate = new ManualResetEventSlim();
        var head = new RecordingHandler(headGate, blockAt: 0);
        var tail = new RecordingHandler(tailGate, blockAt: 0);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> headStage = builder.HandleWith(head, "head", new StageOptions<TestEvent> { MaxBatchSize = 2 });
        headStage.Then(tail, "tail");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        // Both stages are held at event 0 while the rest queues up: then the head finds 11 events waiting and the
        // tail (held until the head is through) finds what is left of the 12.
        TestPublisher.Publish(pipeline.RingBuffer, 12);
        await head.Blocked.Task.WaitAsync(TestTimeouts.Default);
        headGate.Set();
        bool headDone = SpinWait.SpinUntil(() => headStage.Processors[0].Sequence.Value == 11, TestTimeouts.Default);
        tailGate.Set();
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(headDone);
        Assert.True(drained);
        Assert.All(head.Batches, batch => Assert.True(batch.BatchSize <= 2, $"head batch of {batch.BatchSize}"));
        Assert.Contains(head.Batches, batch => batch.AvailableCount > 2);
        Assert.Contains(tail.Batches, batch => batch.BatchSize > 2);
        Assert.Equal(12, tail.Record.Count);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WithMaxBatchSize_AfterTheStageWasAdded_CapsItsBatches()
    {
        using var gate = new ManualResetEventSlim();
        var handler = new RecordingHandler(gate, blockAt: 0);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(handler, "late");
        builder.WithMaxBatchSize(3);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 12);
        await handler.Blocked.Task.WaitAsync(TestTimeouts.Default);
        gate.Set();
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.All(handler.Batches, batch => Assert.True(batch.BatchSize <= 3, $"batch of {batch.BatchSize}"));
        Assert.Contains(handler.Batches, batch => batch.AvailableCount > 3);
        Assert.Equal(12, handler.Record.Count);
    }

    [Fact]
    public void WithExceptionHandler_AfterStagesWereAdded_AppliesToStagesWithoutTheirOwn()
    {
        var own = new FailureRecorder();
        var late = new FailureRecorder();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(new ThrowingHandler(1), "first")
            .Then(new ThrowingHandler(2), "second", new StageOptions<TestEvent> { ExceptionHandler = own })
            .Then(new ThrowingHandler(3), "third");
        builder.WithExceptionHandler(late);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 5);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal([("first", 1L), ("third", 3L)], late.Failures.Order());
        Assert.Equal([("second", 2L)], own.Failures);
        Assert.Equal(0, builder.Failures.Count);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WithFailurePolicy_AfterTheStageWasAdded_HaltsIt()
    {
        var thrower = new ThrowingHandler(3);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(thrower, "late");
        builder.WithFailurePolicy(FailureAction.Halt);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 6);
        var fault = await Assert.ThrowsAsync<HandlerFaultException>(() => pipeline.Completion.WaitAsync(TestTimeouts.Default));

        Assert.Equal(3, fault.Sequence);
        Assert.Equal(3, thrower.Handled);
        Assert.Equal(FailureAction.Halt, Assert.Single(builder.Failures.Recent()).Action);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void StageOptions_MaxBatchSizeNotPositive_ThrowsArgumentOutOfRangeStatingTheRule(int maxBatchSize)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new StageOptions<TestEvent> { MaxBatchSize = maxBatchSize });

        Assert.Equal("MaxBatchSize", exception.ParamName);
        Assert.Contains("at least 1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StageOptions_Unset_LeaveTheBuilderDefaults()
    {
        var options = new StageOptions<TestEvent> { MaxBatchSize = null };

        Assert.Null(options.MaxBatchSize);
        Assert.Null(options.ExceptionHandler);
    }

    [Fact]
    public void StageAddingOverloads_NullOptions_ThrowArgumentNull()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> head = builder.HandleWith(new RecordingHandler());

        Assert.Throws<ArgumentNullException>(() => builder.SplitAcross("split", (StageOptions<TestEvent>)null!, new RecordingHandler()));
        Assert.Throws<ArgumentNullException>(() => builder.HandleInParallel("parallel", (StageOptions<TestEvent>)null!, new RecordingHandler()));
        Assert.Throws<ArgumentNullException>(() => head.ThenSplit("split", (StageOptions<TestEvent>)null!, new RecordingHandler()));
        Assert.Throws<ArgumentNullException>(() => head.ThenInParallel("parallel", (StageOptions<TestEvent>)null!, new RecordingHandler()));
    }

    [Fact]
    public void Processors_BeforeBuild_ThrowsInvalidOperation()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());

        Stage<TestEvent> stage = builder.HandleWith(new RecordingHandler());

        Assert.Throws<InvalidOperationException>(() => stage.Processors);
    }

    [Fact]
    public void SplitAcross_WithAName_NamesEachProcessorAfterIt()
    {
        var builder = new PipelineBuilder<TestEvent>(16, () => new TestEvent(), waitStrategy: new BlockingWaitStrategy());

        Stage<TestEvent> stage = builder.SplitAcross("decode", new RecordingHandler(), new RecordingHandler());
        Stage<TestEvent> next = stage.ThenInParallel("fan", new RecordingHandler(), new RecordingHandler());
        using EventPipeline<TestEvent> pipeline = builder.Build();

        Assert.Equal(new[] { "decode-0", "decode-1" }, stage.Processors.Select(p => p.Name));
        Assert.Equal(new[] { "fan-0", "fan-1" }, next.Processors.Select(p => p.Name));
    }

    // Records (processor name, sequence) of each failure; the processors of one stage may report at the same time.
    private sealed class FailureRecorder : IExceptionHandler<TestEvent>
    {
        private readonly Lock _lock = new();
        private readonly List<(string Name, long Sequence)> _failures = [];

        public IReadOnlyList<(string Name, long Sequence)> Failures
        {
            get
            {
                lock (_lock)
                {
                    return [.. _failures];
                }
            }
        }

        public FailureAction OnEventException(Exception exception, long sequence, ref TestEvent entry, string handlerName)
        {
            lock (_lock)
            {
                _failures.Add((handlerName, sequence));
            }

            return FailureAction.Continue;
        }

        public void OnLifecycleException(Exception exception, string handlerName)
        {
        }
    }
}
