using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class EventPipelineTests
{
    private const int RingSize = 32;

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Drain_WhileLastStageIsHeldBack_WaitsUntilEveryStagePassedEveryEvent()
    {
        using var gate = new ManualResetEventSlim(false);
        var first = new RecordingHandler();
        var second = new RecordingHandler();
        var last = new RecordingHandler(gate, blockAt: 0);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(first).Then(second).Then(last);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();
        try
        {
            TestPublisher.Publish(pipeline.RingBuffer, 20);
            await last.Blocked.Task.WaitAsync(TestTimeouts.Default);

            Task<bool> drain = TestThreads.Run(() => pipeline.Drain(TestTimeouts.Default));
            Task firstToFinish = await Task.WhenAny(drain, Task.Delay(TestTimeouts.Quiet));
            long processedWhileHeld = pipeline.ProcessedSequence;
            gate.Set();
            bool drained = await drain.WaitAsync(TestTimeouts.Default);

            Assert.NotSame(drain, firstToFinish);
            Assert.Equal(-1, processedWhileHeld);
            Assert.True(drained);
            Assert.Equal(19, pipeline.ProcessedSequence);
            Assert.All(new[] { first, second, last }, h => Assert.Equal(20, h.Record.Count));
            Assert.False(last.GateTimedOut);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Drain_InfiniteTimeout_WaitsForTheHeldBackStageInsteadOfReturningAtOnce()
    {
        // Timeout.InfiniteTimeSpan is -1 ms: compared as a duration it had "elapsed" at once, so start-up's replay
        // drain returned before the stages had processed the journal tail.
        using var gate = new ManualResetEventSlim(false);
        var last = new RecordingHandler(gate, blockAt: 0);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(new RecordingHandler()).Then(last);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();
        try
        {
            TestPublisher.Publish(pipeline.RingBuffer, 10);
            await last.Blocked.Task.WaitAsync(TestTimeouts.Default);

            Task<bool> drain = TestThreads.Run(() => pipeline.Drain(Timeout.InfiniteTimeSpan));
            Task firstToFinish = await Task.WhenAny(drain, Task.Delay(TestTimeouts.Quiet));
            gate.Set();
            bool drained = await drain.WaitAsync(TestTimeouts.Default);

            Assert.NotSame(drain, firstToFinish);
            Assert.True(drained);
            Assert.Equal(9, pipeline.ProcessedSequence);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Drain_TimeoutElapsesBeforeStagesCatchUp_ReturnsFalse()
    {
        using var gate = new ManualResetEventSlim(false);
        var handler = new RecordingHandler(gate, blockAt: 2);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();
        try
        {
            TestPublisher.Publish(pipeline.RingBuffer, 5);
            await handler.Blocked.Task.WaitAsync(TestTimeouts.Default);
            long started = Stopwatch.GetTimestamp();

            bool drained = pipeline.Drain(TimeSpan.FromMilliseconds(100));
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            gate.Set();
            bool drainedAfterRelease = pipeline.Drain(TestTimeouts.Default);

            Assert.False(drained);
            Assert.True(elapsed >= TimeSpan.FromMilliseconds(90), $"gave up after {elapsed}");
            Assert.True(drainedAfterRelease);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public void Drain_NothingPublished_ReturnsTrue()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(new RecordingHandler());
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(-1, pipeline.ProcessedSequence);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Halt_RunningPipeline_StopsEveryProcessorThread()
    {
        RecordingHandler[] handlers = [new RecordingHandler(), new RecordingHandler(), new RecordingHandler(), new RecordingHandler()];
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(handlers[0]).ThenInParallel(handlers[1], handlers[2]).Then(handlers[3]);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();
        TestPublisher.Publish(pipeline.RingBuffer, 100);
        Assert.True(pipeline.Drain(TestTimeouts.Default));

        bool halted = pipeline.Halt(TestTimeouts.Default);
        await pipeline.Completion.WaitAsync(TestTimeouts.Default);

        Assert.True(halted);
        Assert.All(pipeline.Processors, p => Assert.False(p.IsRunning));
        Assert.All(handlers, h => Assert.Equal(1, h.ShutdownCalls));
        Assert.All(handlers, h => Assert.False(h.StartThread!.IsAlive));
        Assert.All(handlers, h => Assert.Equal(100, h.Record.Count));
        Assert.True(pipeline.Completion.IsCompletedSuccessfully);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Halt_RightAfterStart_StillStopsEveryProcessor()
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            RecordingHandler[] handlers = [new RecordingHandler(), new RecordingHandler(), new RecordingHandler()];
            var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
            builder.HandleWith(handlers[0]).Then(handlers[1]).Then(handlers[2]);
            using EventPipeline<TestEvent> pipeline = builder.Build();

            pipeline.Start();
            bool halted = pipeline.Halt(TestTimeouts.Default);
            await pipeline.Completion.WaitAsync(TestTimeouts.Default);

            Assert.True(halted, $"attempt {attempt}");
            Assert.All(pipeline.Processors, p => Assert.False(p.IsRunning));
            Assert.All(handlers, h => Assert.Equal(1, h.ShutdownCalls));
        }
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Halt_BeforeStart_ProcessorsExitAsSoonAsTheyStart()
    {
        var handler = new RecordingHandler();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();

        bool haltedBeforeStart = pipeline.Halt(TestTimeouts.Default);
        pipeline.Start();
        await pipeline.Completion.WaitAsync(TestTimeouts.Default);

        Assert.True(haltedBeforeStart);
        Assert.False(pipeline.Processors[0].IsRunning);
        Assert.Equal(1, handler.ShutdownCalls);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Halt_HandlerStuckInsideEvent_ReturnsFalseUntilItReturns()
    {
        using var gate = new ManualResetEventSlim(false);
        var handler = new RecordingHandler(gate, blockAt: 0);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();
        try
        {
            TestPublisher.Publish(pipeline.RingBuffer, 1);
            await handler.Blocked.Task.WaitAsync(TestTimeouts.Default);

            bool haltedWhileStuck = pipeline.Halt(TimeSpan.FromMilliseconds(100));
            bool runningWhileStuck = pipeline.Processors[0].IsRunning;
            TestPublisher.Publish(pipeline.RingBuffer, 2);
            gate.Set();
            bool haltedAfterRelease = pipeline.Halt(TestTimeouts.Default);

            Assert.False(haltedWhileStuck);
            Assert.True(runningWhileStuck);
            Assert.True(haltedAfterRelease);
            Assert.False(pipeline.Processors[0].IsRunning);
            Assert.Equal(1, handler.ShutdownCalls);
            // Events published after the halt are left for a pipeline that will never run again.
            Assert.Equal(0, pipeline.ProcessedSequence);
            Assert.Equal(1, handler.Record.Count);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Dispose_RunningPipeline_HaltsItsThreads()
    {
        var handler = new RecordingHandler();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(handler).Then(new RecordingHandler());
        EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();
        TestPublisher.Publish(pipeline.RingBuffer, 10);

        pipeline.Dispose();
        await pipeline.Completion.WaitAsync(TestTimeouts.Default);

        Assert.All(pipeline.Processors, p => Assert.False(p.IsRunning));
        Assert.Equal(1, handler.ShutdownCalls);
        Assert.False(handler.StartThread!.IsAlive);
    }

    [Fact]
    public void Start_AfterEventsWerePublished_ProcessesThem()
    {
        var first = new RecordingHandler();
        var second = new RecordingHandler();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(first).Then(second);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        TestPublisher.Publish(pipeline.RingBuffer, RingSize);

        pipeline.Start();
        TestPublisher.Publish(pipeline.RingBuffer, RingSize);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(2 * RingSize, second.Record.Count);
        Assert.Null(first.Record.FirstViolation);
        Assert.Null(second.Record.FirstViolation);
    }

    [Fact]
    public void Start_Twice_ThrowsInvalidOperation()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(new RecordingHandler());
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        Assert.Throws<InvalidOperationException>(pipeline.Start);
    }

    [Fact]
    public void Processors_InOrderTheyWereAdded()
    {
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(new RecordingHandler(), "one").Then(new RecordingHandler(), "two").Then(new RecordingHandler(), "three");

        using EventPipeline<TestEvent> pipeline = builder.Build();

        Assert.Equal(["one", "two", "three"], pipeline.Processors.Select(p => p.Name));
        Assert.Same(builder.RingBuffer, pipeline.RingBuffer);
        Assert.False(pipeline.Completion.IsCompleted);
    }
}
