using System;
using System.Linq;
using Pipeline.Core.Sequencing;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class StageTests
{
    private const int RingSize = 16;
    private const int EventCount = 30_000;

    // Fewer events on the multi-producer ring: there the first stage polls without backing off while an event is
    // claimed but not yet published, and on two cores a preempted producer then costs a scheduler time slice.
    [Theory]
    [InlineData(ProducerType.Single, WaitKind.Blocking, EventCount)]
    [InlineData(ProducerType.Multi, WaitKind.Blocking, EventCount / 6)]
    [InlineData(ProducerType.Single, WaitKind.Yielding, EventCount)]
    [InlineData(ProducerType.Single, WaitKind.Phased, EventCount)]
    public void Then_ThreeSequencedStages_EachSeesEarlierWritesAndNeverRunsAhead(ProducerType producerType, WaitKind waitKind, int baseEventCount)
    {
        int eventCount = StressScale.Of(baseEventCount);
        var a = new StageHandler(StageMark.A);
        var b = new StageHandler(StageMark.B, StageMark.A);
        var c = new StageHandler(StageMark.C, StageMark.A, StageMark.B);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent(), producerType, WaitKinds.Create(waitKind));
        Stage<TestEvent> stageA = builder.HandleWith(a, "a");
        Stage<TestEvent> stageB = stageA.Then(b, "b");
        Stage<TestEvent> stageC = stageB.Then(c, "c");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        b.Follow(stageA.Processors);
        c.Follow(stageB.Processors);
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, eventCount);
        bool drained = pipeline.Drain(TestTimeouts.Stress);

        Assert.True(drained);
        foreach (StageHandler handler in new[] { a, b, c })
        {
            Assert.Null(handler.Record.FirstViolation);
            Assert.Equal(eventCount, handler.Record.Count);
        }

        Assert.Equal(eventCount - 1, stageC.Processors[0].Sequence.Value);
    }

    [Fact]
    public void ThenInParallel_DiamondJoinedByThen_JoinSeesBothBranchesAndBranchesSeeTheHead()
    {
        int eventCount = StressScale.Of(EventCount);
        var a = new StageHandler(StageMark.A);
        var b = new StageHandler(StageMark.B, StageMark.A);
        var c = new StageHandler(StageMark.C, StageMark.A);
        var d = new StageHandler(StageMark.D, StageMark.A, StageMark.B, StageMark.C);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> head = builder.HandleWith(a, "a");
        Stage<TestEvent> branches = head.ThenInParallel(b, c);
        branches.Then(d, "d");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        b.Follow(head.Processors);
        c.Follow(head.Processors);
        d.Follow(branches.Processors);
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, eventCount);
        bool drained = pipeline.Drain(TestTimeouts.Stress);

        Assert.True(drained);
        Assert.Equal(2, branches.Processors.Count);
        foreach (StageHandler handler in new[] { a, b, c, d })
        {
            Assert.Null(handler.Record.FirstViolation);
            Assert.Equal(eventCount, handler.Record.Count);
        }
    }

    [Fact]
    public void ThenSplit_BetweenSequencedStages_EachEventHandledOnceAndTailSeesThemAll()
    {
        int eventCount = StressScale.Of(EventCount);
        var head = new StageHandler(StageMark.A);
        SplitHandler[] workers = [new SplitHandler(0, StageMark.A), new SplitHandler(1, StageMark.A)];
        var tail = new SplitTailHandler(workers.Length);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(head).ThenSplit(workers).Then(tail);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, eventCount);
        bool drained = pipeline.Drain(TestTimeouts.Stress);

        Assert.True(drained);
        Assert.Null(head.Record.FirstViolation);
        Assert.Null(tail.FirstViolation);
        Assert.All(workers, w => Assert.Null(w.FirstViolation));
        Assert.All(workers, w => Assert.True(w.Count > 0, "a split handler got no work"));
        Assert.Equal(eventCount, workers.Sum(w => w.Count));
        Assert.Equal(eventCount, tail.Count);
        Assert.All(tail.HandledPerOwner, count => Assert.True(count > 0));
    }

    [Fact]
    public void Then_WithNullHandler_ThrowsArgumentNull()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> head = builder.HandleWith(new RecordingHandler());

        Assert.Throws<ArgumentNullException>(() => head.Then<RecordingHandler>(null!));
        Assert.Throws<ArgumentNullException>(() => head.ThenInParallel<RecordingHandler>((RecordingHandler[])null!));
        Assert.Throws<ArgumentNullException>(() => head.ThenSplit(new RecordingHandler(), null!));
    }

    [Fact]
    public void ThenInParallel_WithNoHandlers_ThrowsArgumentOutOfRange()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> head = builder.HandleWith(new RecordingHandler());

        Assert.Throws<ArgumentOutOfRangeException>(() => head.ThenInParallel<RecordingHandler>());
        Assert.Throws<ArgumentOutOfRangeException>(() => head.ThenSplit<RecordingHandler>());
    }

    [Fact]
    public void Then_WithName_NamesTheProcessor()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());

        Stage<TestEvent> named = builder.HandleWith(new RecordingHandler(), "ledger");
        Stage<TestEvent> unnamed = named.Then(new RecordingHandler());
        using EventPipeline<TestEvent> pipeline = builder.Build();

        Assert.Equal("ledger", named.Processors[0].Name);
        Assert.Equal("RecordingHandler-1", unnamed.Processors[0].Name);
    }
}
