using System;
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
        b.Follow(stageA.Processors);
        c.Follow(stageA.Processors);
        d.Follow([.. stageB.Processors, .. stageC.Processors]);
        using EventPipeline<TestEvent> pipeline = builder.Build();
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
    public void WithSettings_AfterAHandlerWasAdded_ThrowsBecauseEarlierStagesWouldMissThem()
    {
        var builder = new PipelineBuilder<TestEvent>(16, () => new TestEvent(), waitStrategy: new BlockingWaitStrategy());
        builder.HandleWith(new RecordingHandler());

        Assert.Throws<InvalidOperationException>(() => builder.WithFailurePolicy(FailureAction.Halt));
        Assert.Throws<InvalidOperationException>(() => builder.WithMaxBatchSize(4));
    }

    [Fact]
    public void SplitAcross_WithAName_NamesEachProcessorAfterIt()
    {
        var builder = new PipelineBuilder<TestEvent>(16, () => new TestEvent(), waitStrategy: new BlockingWaitStrategy());

        Stage<TestEvent> stage = builder.SplitAcross("decode", new RecordingHandler(), new RecordingHandler());
        Stage<TestEvent> next = stage.ThenInParallel("fan", new RecordingHandler(), new RecordingHandler());

        Assert.Equal(new[] { "decode-0", "decode-1" }, stage.Processors.Select(p => p.Name));
        Assert.Equal(new[] { "fan-0", "fan-1" }, next.Processors.Select(p => p.Name));
    }
}
