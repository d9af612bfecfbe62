using System;
using System.Threading;
using Pipeline.Core.Processing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class HandlerInterfaceTests
{
    [Fact]
    public void ImplementsBatchStart_StructKeepsTheDefault_ReturnsFalse()
    {
        bool implements = HandlerInterface.ImplementsBatchStart<TestEvent>(typeof(DefaultsOnlyHandler));

        Assert.False(implements);
    }

    [Fact]
    public void ImplementsBatchStart_ClassImplementsIt_ReturnsTrue()
    {
        bool implements = HandlerInterface.ImplementsBatchStart<TestEvent>(typeof(RecordingHandler));

        Assert.True(implements);
    }

    [Fact]
    public void ImplementsBatchStart_ExplicitImplementation_ReturnsTrue()
    {
        bool implements = HandlerInterface.ImplementsBatchStart<TestEvent>(typeof(ExplicitBatchStartHandler));

        Assert.True(implements);
    }

    [Fact]
    public void ImplementsBatchStart_SubclassReimplementsTheInterface_ReturnsTrueForTheSubclassOnly()
    {
        bool baseImplements = HandlerInterface.ImplementsBatchStart<TestEvent>(typeof(PlainBaseHandler));
        bool derivedImplements = HandlerInterface.ImplementsBatchStart<TestEvent>(typeof(BatchCountingHandler));

        Assert.False(baseImplements);
        Assert.True(derivedImplements);
    }

    [Fact]
    public void Run_HandlerTypedAsBaseButSubclassImplementsBatchStart_CallsItPerBatch()
    {
        var handler = new BatchCountingHandler();
        var builder = new PipelineBuilder<TestEvent>(16, () => new TestEvent(), waitStrategy: new YieldingWaitStrategy());
        builder.WithMaxBatchSize(1);
        builder.HandleWith<PlainBaseHandler>(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, 10);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.Equal(10, handler.Events);
        Assert.Equal(10, handler.Batches);
    }

    [Fact]
    public void Run_StructHandlerKeepsDefaultBatchStart_AllocatesNothingPerBatch()
    {
        const int Events = 2_000;
        var probe = new AllocationProbe(Events);
        var builder = new PipelineBuilder<TestEvent>(64, () => new TestEvent(), waitStrategy: new YieldingWaitStrategy());
        builder.WithMaxBatchSize(1);
        builder.HandleWith(new DefaultsOnlyHandler(probe));
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        TestPublisher.Publish(pipeline.RingBuffer, Events);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained);
        Assert.True(probe.Done.Wait(TestTimeouts.Default));
        // One batch per event: a boxed handler per batch would show as about 24 bytes each.
        Assert.Equal(0, probe.AllocatedBetweenFirstAndLast);
    }

    private sealed class AllocationProbe(long events)
    {
        private long _first;

        public ManualResetEventSlim Done { get; } = new();

        public long AllocatedBetweenFirstAndLast { get; private set; } = -1;

        public void Observe(long sequence)
        {
            if (sequence == 0)
            {
                _first = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (sequence == events - 1)
            {
                AllocatedBetweenFirstAndLast = GC.GetAllocatedBytesForCurrentThread() - _first;
                Done.Set();
            }
        }
    }

    private readonly struct DefaultsOnlyHandler(AllocationProbe probe) : IEventHandler<TestEvent>
    {
        public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch) => probe.Observe(sequence);
    }

    private struct ExplicitBatchStartHandler : IEventHandler<TestEvent>
    {
        public readonly void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch)
        {
        }

        readonly void IEventHandler<TestEvent>.OnBatchStart(long batchSize, long availableCount)
        {
        }
    }

    private class PlainBaseHandler : IEventHandler<TestEvent>
    {
        public int Events { get; private set; }

        public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch) => Events++;
    }

    private sealed class BatchCountingHandler : PlainBaseHandler, IEventHandler<TestEvent>
    {
        public int Batches { get; private set; }

        public void OnBatchStart(long batchSize, long availableCount) => Batches++;
    }
}
