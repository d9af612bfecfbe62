using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class BatchEventProcessorTests
{
    private const int RingSize = 16;

    [Fact]
    public void OnEvent_HandlerThrowsUnderDefaultPolicy_ReportsEachFailureAndGoesOn()
    {
        long[] poisoned = [3, 13, 14, 50, 99];
        var thrower = new ThrowingHandler(poisoned);
        var tail = new RecordingHandler();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        Stage<TestEvent> validate = builder.HandleWith(thrower, "validate");
        validate.Then(tail, "tail");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 100);
        bool drained = pipeline.Drain(TestTimeouts.Default);
        IReadOnlyList<HandlerFailure> failures = builder.Failures.Recent();

        Assert.True(drained);
        Assert.Equal(poisoned.Length, builder.Failures.Count);
        Assert.Equal(poisoned, failures.Select(f => f.Sequence));
        Assert.All(failures, f => Assert.Equal("validate", f.HandlerName));
        Assert.All(failures, f => Assert.Equal(FailureAction.Continue, f.Action));
        Assert.All(failures, f => Assert.Equal(ThrowingHandler.MessageFor(f.Sequence), Assert.IsType<InvalidOperationException>(f.Exception).Message));
        Assert.Equal(100 - poisoned.Length, thrower.Handled);
        Assert.Equal(98, thrower.LastHandled);
        Assert.Equal(99, validate.Processors[0].Sequence.Value);
        Assert.Equal(100, tail.Record.Count);
        Assert.Null(tail.Record.FirstViolation);
        Assert.False(pipeline.Completion.IsCompleted);
        Assert.All(pipeline.Processors, p => Assert.True(p.IsRunning));
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task OnEvent_HandlerThrowsUnderHaltPolicy_StopsBeforeTheFailedEventAndFaultsCompletion()
    {
        var thrower = new ThrowingHandler(5);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.WithFailurePolicy(FailureAction.Halt);
        Stage<TestEvent> stage = builder.HandleWith(thrower, "ledger");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        IEventProcessor processor = stage.Processors[0];
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 10);
        long started = Stopwatch.GetTimestamp();
        bool drained = pipeline.Drain(TestTimeouts.Default);
        TimeSpan drainTime = Stopwatch.GetElapsedTime(started);
        var fault = await Assert.ThrowsAsync<HandlerFaultException>(() => pipeline.Completion.WaitAsync(TestTimeouts.Default));

        Assert.False(drained);
        Assert.True(drainTime < TestTimeouts.Default, "Drain should give up as soon as a processor stops");
        Assert.Equal(5, fault.Sequence);
        Assert.Equal("ledger", fault.HandlerName);
        Assert.Equal(ThrowingHandler.MessageFor(5), Assert.IsType<InvalidOperationException>(fault.InnerException).Message);
        Assert.Equal(4, processor.Sequence.Value);
        Assert.False(processor.IsRunning);
        Assert.Same(fault, processor.Fault);
        Assert.Equal(5, thrower.Handled);
        Assert.Equal(6, thrower.Attempted);
        HandlerFailure failure = Assert.Single(builder.Failures.Recent());
        Assert.Equal(5, failure.Sequence);
        Assert.Equal(FailureAction.Halt, failure.Action);
        Assert.Equal(4, pipeline.ProcessedSequence);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task OnEvent_HaltPolicyInFirstStage_LaterStageNeverSeesTheFailedEvent()
    {
        var thrower = new ThrowingHandler(7);
        var tail = new RecordingHandler();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.WithFailurePolicy(FailureAction.Halt);
        builder.HandleWith(thrower, "first").Then(tail, "tail");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 12);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        // Drain gives up as soon as the first stage stops; Halt would stop the tail after its current batch, wherever
        // a starved thread had got to, so let it take what it may first (and wait: it must never take event 7).
        bool caughtUp = SpinWait.SpinUntil(() => pipeline.ProcessedSequence >= 6, TestTimeouts.Default);
        bool halted = pipeline.Halt(TestTimeouts.Default);
        Exception? failure = await Record.ExceptionAsync(() => pipeline.Completion.WaitAsync(TestTimeouts.Default));

        Assert.False(drained);
        Assert.True(caughtUp);
        Assert.True(halted);
        Assert.Equal(7, Assert.IsType<HandlerFaultException>(failure).Sequence);
        Assert.Equal(7, tail.Record.Count);
        Assert.Equal(6, pipeline.ProcessedSequence);
        Assert.Null(tail.Record.FirstViolation);
        Assert.True(pipeline.Completion.IsFaulted);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task OnEvent_CustomExceptionHandler_GetsTheFailedEntryAndDecides()
    {
        var thrower = new ThrowingHandler(2, 4, 6);
        var exceptionHandler = new RecordingExceptionHandler(haltFrom: 6);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.WithExceptionHandler(exceptionHandler);
        Stage<TestEvent> stage = builder.HandleWith(thrower, "custom");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 10);
        var fault = await Assert.ThrowsAsync<HandlerFaultException>(() => pipeline.Completion.WaitAsync(TestTimeouts.Default));

        Assert.Equal([2L, 4L, 6L], exceptionHandler.Sequences);
        Assert.Equal([2L, 4L, 6L], exceptionHandler.EntryValues);
        Assert.All(exceptionHandler.HandlerNames, name => Assert.Equal("custom", name));
        Assert.All(exceptionHandler.Exceptions, e => Assert.IsType<InvalidOperationException>(e));
        Assert.Equal(6, fault.Sequence);
        Assert.Equal(5, stage.Processors[0].Sequence.Value);
        Assert.Equal(0, builder.Failures.Count);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task OnEvent_ExceptionHandlerItselfThrows_HaltsWithBothExceptions()
    {
        var thrower = new ThrowingHandler(1);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.WithExceptionHandler(new RecordingExceptionHandler(haltFrom: long.MaxValue, throwFromHandler: true));
        Stage<TestEvent> stage = builder.HandleWith(thrower);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 4);
        Exception? failure = await Record.ExceptionAsync(() => pipeline.Completion.WaitAsync(TestTimeouts.Default));

        var aggregate = Assert.IsType<AggregateException>(failure);
        Assert.Contains(aggregate.InnerExceptions, e => e is InvalidOperationException);
        Assert.Contains(aggregate.InnerExceptions, e => e is NotSupportedException);
        Assert.Same(aggregate, stage.Processors[0].Fault);
        Assert.Equal(0, stage.Processors[0].Sequence.Value);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Run_LifecycleHooks_StartBeforeEventsOnProcessorThreadAndShutdownOnHalt()
    {
        var handler = new RecordingHandler();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(handler, "hooks");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 40);
        bool drained = pipeline.Drain(TestTimeouts.Default);
        int shutdownsWhileRunning = handler.ShutdownCalls;
        bool halted = pipeline.Halt(TestTimeouts.Default);
        await handler.ShutDown.Task.WaitAsync(TestTimeouts.Default);

        Assert.True(drained);
        Assert.True(halted);
        Assert.Equal(1, handler.StartCalls);
        Assert.Equal("pipeline-hooks", handler.StartThreadName);
        Assert.Equal(-1, handler.FirstEventBeforeStart);
        Assert.Equal(0, shutdownsWhileRunning);
        Assert.Equal(1, handler.ShutdownCalls);
        Assert.Equal(40, handler.Batches.Sum(b => b.BatchSize));
        Assert.All(handler.Batches, b => Assert.InRange(b.BatchSize, 1, b.AvailableCount));
        Assert.Equal(EndsOfBatches(handler.Batches), handler.EndOfBatchSequences);
    }

    [Fact]
    public void Run_LifecycleHookThrows_ReportsItAndKeepsProcessing()
    {
        var handler = new FailingLifecycleHandler();
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent());
        builder.HandleWith(handler, "fragile");
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 5);
        bool drained = pipeline.Drain(TestTimeouts.Default);
        bool halted = pipeline.Halt(TestTimeouts.Default);
        IReadOnlyList<HandlerFailure> failures = builder.Failures.Recent();

        Assert.True(drained);
        Assert.True(halted);
        Assert.Equal(5, handler.Events);
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal(-1, f.Sequence));
        Assert.All(failures, f => Assert.Equal("fragile", f.HandlerName));
        Assert.Equal(["start", "shutdown"], failures.Select(f => f.Exception.Message));
        Assert.True(pipeline.Completion.IsCompletedSuccessfully);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task OnBatchStart_WithMaxBatchSize_CapsEveryBatchAndFlagsItsEnd()
    {
        const int cap = 4;
        (IReadOnlyList<(long BatchSize, long AvailableCount)> batches, IReadOnlyList<long> ends) =
            await RunBacklogAsync(builder => builder.WithMaxBatchSize(cap));

        long[] expectedSizes = [1, .. Enumerable.Repeat(4L, 15), 3];
        Assert.Equal(expectedSizes, batches.Select(b => b.BatchSize));
        Assert.Equal(63, batches[1].AvailableCount);
        Assert.All(batches, b => Assert.InRange(b.BatchSize, 1, cap));
        Assert.Equal(EndsOfBatches(batches), ends);
        Assert.Equal(expectedSizes.Length, ends.Count);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task OnBatchStart_WithoutMaxBatchSize_HandsOverEverythingAvailable()
    {
        (IReadOnlyList<(long BatchSize, long AvailableCount)> batches, IReadOnlyList<long> ends) =
            await RunBacklogAsync(builder => { });

        Assert.Equal([(1L, 1L), (63L, 63L)], batches);
        Assert.Equal([0L, 63L], ends);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task OnTimeout_WaitStrategyWithTimeout_ReportsTheLastHandledSequence()
    {
        var handler = new RecordingHandler();
        var builder = new PipelineBuilder<TestEvent>(
            RingSize,
            () => new TestEvent(),
            ProducerType.Single,
            new BlockingWaitStrategy(TimeSpan.FromMilliseconds(20)));
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        TestPublisher.Publish(pipeline.RingBuffer, 3);
        pipeline.Start();

        bool drained = pipeline.Drain(TestTimeouts.Default);
        long timedOutAt = await handler.TimedOut.Task.WaitAsync(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(2, timedOutAt);
        Assert.Equal(3, handler.Record.Count);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task OnTimeout_MultiProducerClaimNotYetPublished_IsNotReported()
    {
        // An open gate: the handler only reports (Blocked) that it reached event 0.
        using var reached = new ManualResetEventSlim(true);
        var handler = new RecordingHandler(reached, blockAt: 0);
        var builder = new PipelineBuilder<TestEvent>(RingSize, () => new TestEvent(), ProducerType.Multi, new BlockingWaitStrategy());
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        RingBuffer<TestEvent> ring = pipeline.RingBuffer;
        pipeline.Start();

        long first = ring.Next();
        long pending = ring.Next();
        ring[first].Reset(first);
        ring.Publish(first);
        await handler.Blocked.Task.WaitAsync(TestTimeouts.Default);
        // The processor now waits for the claimed but unpublished event 1; no wait strategy timed out.
        await Task.Delay(TestTimeouts.Quiet);
        long timeoutsWhilePending = handler.TimeoutCalls;
        ring[pending].Reset(pending);
        ring.Publish(pending);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(0, timeoutsWhilePending);
        Assert.Equal(2, handler.Record.Count);
        Assert.Null(handler.Record.FirstViolation);
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        RingBuffer<TestEvent> ring = RingBuffer<TestEvent>.CreateSingleProducer(RingSize, new BlockingWaitStrategy(), () => new TestEvent());
        SequenceBarrier barrier = ring.NewBarrier();
        var handler = new RecordingHandler();
        var exceptions = new FailureIsolatingExceptionHandler<TestEvent>(new FailureLog());

        Assert.Throws<ArgumentNullException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(null!, barrier, handler, exceptions, "p"));
        Assert.Throws<ArgumentNullException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(ring, null!, handler, exceptions, "p"));
        Assert.Throws<ArgumentNullException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(ring, barrier, null!, exceptions, "p"));
        Assert.Throws<ArgumentNullException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(ring, barrier, handler, null!, "p"));
        Assert.Throws<ArgumentException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(ring, barrier, handler, exceptions, string.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(ring, barrier, handler, exceptions, "p", maxBatchSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(ring, barrier, handler, exceptions, "p", partitionIndex: 2, partitionCount: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(ring, barrier, handler, exceptions, "p", partitionIndex: -1, partitionCount: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchEventProcessor<TestEvent, RecordingHandler>(ring, barrier, handler, exceptions, "p", partitionCount: 0));
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Run_CalledWhileRunning_ThrowsInvalidOperation()
    {
        RingBuffer<TestEvent> ring = RingBuffer<TestEvent>.CreateSingleProducer(RingSize, new BlockingWaitStrategy(), () => new TestEvent());
        using var gate = new ManualResetEventSlim(false);
        var handler = new RecordingHandler(gate, blockAt: 0);
        var processor = new BatchEventProcessor<TestEvent, RecordingHandler>(
            ring,
            ring.NewBarrier(),
            handler,
            new FailureIsolatingExceptionHandler<TestEvent>(new FailureLog()),
            "solo");
        ring.AddGatingSequences(processor.Sequence);
        Task running = TestThreads.Run(processor.Run);
        try
        {
            TestPublisher.Publish(ring, 1);
            await handler.Blocked.Task.WaitAsync(TestTimeouts.Default);

            Exception? secondRun = Record.Exception(processor.Run);
            bool runningDuringSecondRun = processor.IsRunning;
            gate.Set();
            processor.Halt();
            await running.WaitAsync(TestTimeouts.Default);

            Assert.IsType<InvalidOperationException>(secondRun);
            Assert.True(runningDuringSecondRun);
            Assert.False(processor.IsRunning);
            Assert.Equal(0, processor.Sequence.Value);
            Assert.Equal(1, handler.StartCalls);
            Assert.Equal(1, handler.ShutdownCalls);
        }
        finally
        {
            gate.Set();
            processor.Halt();
        }
    }

    // The end of each batch is the running total of the batch sizes, minus one (sequences start at 0).
    private static List<long> EndsOfBatches(IReadOnlyList<(long BatchSize, long AvailableCount)> batches)
    {
        var ends = new List<long>(batches.Count);
        long end = -1;
        foreach ((long batchSize, long _) in batches)
        {
            end += batchSize;
            ends.Add(end);
        }

        return ends;
    }

    // Holds the handler inside event 0 until 63 more events are published, so that they are all available at once.
    private static async Task<(IReadOnlyList<(long BatchSize, long AvailableCount)> Batches, IReadOnlyList<long> Ends)> RunBacklogAsync(
        Action<PipelineBuilder<TestEvent>> configure)
    {
        using var gate = new ManualResetEventSlim(false);
        var handler = new RecordingHandler(gate, blockAt: 0);
        var builder = new PipelineBuilder<TestEvent>(128, () => new TestEvent());
        configure(builder);
        builder.HandleWith(handler);
        EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();
        try
        {
            RingBuffer<TestEvent> ring = pipeline.RingBuffer;
            TestPublisher.Publish(ring, 1);
            await handler.Blocked.Task.WaitAsync(TestTimeouts.Default);
            TestPublisher.Publish(ring, 63);
            gate.Set();
            Assert.True(pipeline.Drain(TestTimeouts.Default));
            Assert.True(pipeline.Halt(TestTimeouts.Default));
            Assert.False(handler.GateTimedOut);
            Assert.Null(handler.Record.FirstViolation);
            return (handler.Batches, handler.EndOfBatchSequences);
        }
        finally
        {
            gate.Set();
            pipeline.Dispose();
        }
    }

    private sealed class RecordingExceptionHandler(long haltFrom, bool throwFromHandler = false) : IExceptionHandler<TestEvent>
    {
        public List<long> Sequences { get; } = [];

        public List<long> EntryValues { get; } = [];

        public List<string> HandlerNames { get; } = [];

        public List<Exception> Exceptions { get; } = [];

        public FailureAction OnEventException(Exception exception, long sequence, ref TestEvent entry, string handlerName)
        {
            Sequences.Add(sequence);
            EntryValues.Add(entry.Value);
            HandlerNames.Add(handlerName);
            Exceptions.Add(exception);
            if (throwFromHandler)
            {
                throw new NotSupportedException("the exception handler failed too");
            }

            return sequence >= haltFrom ? FailureAction.Halt : FailureAction.Continue;
        }

        public void OnLifecycleException(Exception exception, string handlerName) => Exceptions.Add(exception);
    }

    private sealed class FailingLifecycleHandler : IEventHandler<TestEvent>
    {
        private long _events;

        public long Events => Interlocked.Read(ref _events);

        public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch) => Interlocked.Increment(ref _events);

        public void OnStart() => throw new InvalidOperationException("start");

        public void OnShutdown() => throw new InvalidOperationException("shutdown");
    }
}
