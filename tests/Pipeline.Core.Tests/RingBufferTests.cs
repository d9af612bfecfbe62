using System;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class RingBufferTests
{
    private const int TinyRing = 8;

    // Yielding hands the slots over without parking: 2M events (250,000 laps) take a fraction of a second on an idle
    // two-core machine. Blocking parks the consumer (and the producer pulses it) about once per lap of a tiny ring,
    // which costs microseconds a lap: 200,000 events still make 25,000 laps, enough to expose a lost wake-up.
    // Phased parks only when the producer falls quiet for its spin and yield phases; it gets the blocking count so
    // that a preempted producer (which makes it park about once a lap) still finishes in seconds.
    private const int YieldingWrapEventCount = 2_000_000;
    private const int BlockingWrapEventCount = 200_000;

    [Theory]
    [InlineData(WaitKind.Yielding, false)]
    [InlineData(WaitKind.Yielding, true)]
    [InlineData(WaitKind.Blocking, false)]
    [InlineData(WaitKind.Blocking, true)]
    [InlineData(WaitKind.Phased, false)]
    [InlineData(WaitKind.Phased, true)]
    public async Task Publish_ManyWrapsOfTinyRingOfReferenceEntries_DeliversEverySequenceOnceInOrder(WaitKind waitKind, bool batchClaims)
    {
        int eventCount = WrapEventCount(waitKind);
        var handler = new ReferenceWrapHandler();
        var builder = new PipelineBuilder<TestEvent>(TinyRing, () => new TestEvent(), ProducerType.Single, WaitKinds.Create(waitKind));
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();

        // A dedicated producer thread, so that a consumer that stopped fails the test instead of blocking Next forever.
        string? producerViolation = await TestThreads.Run(() => PublishReferenceEntries(pipeline.RingBuffer, eventCount, batchClaims))
            .WaitAsync(TestTimeouts.Stress);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained, "the consumer did not catch up");
        Assert.Null(producerViolation);
        Assert.Null(handler.Record.FirstViolation);
        Assert.Equal(eventCount, handler.Record.Count);
        Assert.Equal(eventCount - 1, pipeline.ProcessedSequence);
        Assert.Equal(0, builder.Failures.Count);
    }

    [Theory]
    [InlineData(WaitKind.Yielding, false)]
    [InlineData(WaitKind.Yielding, true)]
    [InlineData(WaitKind.Blocking, false)]
    [InlineData(WaitKind.Blocking, true)]
    [InlineData(WaitKind.Phased, false)]
    [InlineData(WaitKind.Phased, true)]
    public async Task Publish_ManyWrapsOfTinyRingOfValueEntries_DeliversEverySequenceOnceInOrder(WaitKind waitKind, bool batchClaims)
    {
        int eventCount = WrapEventCount(waitKind);
        var handler = new ValueWrapHandler();
        var builder = new PipelineBuilder<TestSlot>(TinyRing, null, ProducerType.Single, WaitKinds.Create(waitKind));
        builder.HandleWith(handler);
        using EventPipeline<TestSlot> pipeline = builder.Build();
        pipeline.Start();

        // A dedicated producer thread, so that a consumer that stopped fails the test instead of blocking Next forever.
        string? producerViolation = await TestThreads.Run(() => PublishValueEntries(pipeline.RingBuffer, eventCount, batchClaims))
            .WaitAsync(TestTimeouts.Stress);
        bool drained = pipeline.Drain(TestTimeouts.Default);

        Assert.True(drained, "the consumer did not catch up");
        Assert.Null(producerViolation);
        Assert.Null(handler.Record.FirstViolation);
        Assert.Equal(eventCount, handler.Record.Count);
        Assert.Equal(eventCount - 1, pipeline.ProcessedSequence);
        Assert.Equal(0, builder.Failures.Count);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Next_WhenRingIsFullAndConsumerIsBlocked_DoesNotReturnUntilConsumerAdvances()
    {
        using var gate = new ManualResetEventSlim(false);
        var handler = new RecordingHandler(gate, blockAt: 0);
        var builder = new PipelineBuilder<TestEvent>(TinyRing, () => new TestEvent());
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        RingBuffer<TestEvent> ring = pipeline.RingBuffer;
        var filled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipeline.Start();

        try
        {
            Task<long> producer = TestThreads.Run(() =>
            {
                TestPublisher.Publish(ring, TinyRing);
                filled.SetResult();
                long extra = ring.Next();
                ring[extra].Reset(extra);
                ring.Publish(extra);
                return extra;
            });
            await filled.Task.WaitAsync(TestTimeouts.Default);
            await handler.Blocked.Task.WaitAsync(TestTimeouts.Default);
            Task firstToFinish = await Task.WhenAny(producer, Task.Delay(TestTimeouts.Quiet));
            long remainingWhileBlocked = ring.RemainingCapacity();
            bool claimedWhileBlocked = producer.IsCompleted;
            gate.Set();
            long extraSequence = await producer.WaitAsync(TestTimeouts.Default);
            bool drained = pipeline.Drain(TestTimeouts.Default);

            Assert.NotSame(producer, firstToFinish);
            Assert.False(claimedWhileBlocked, "Next returned while the consumer still held slot 0");
            Assert.Equal(0, remainingWhileBlocked);
            Assert.Equal(TinyRing, extraSequence);
            Assert.True(drained);
            Assert.False(handler.GateTimedOut);
            Assert.Equal(TinyRing + 1, handler.Record.Count);
            Assert.Null(handler.Record.FirstViolation);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public void TryNext_WhenRingIsFull_ReturnsFalseUntilConsumerAdvances()
    {
        RingBuffer<TestEvent> ring = RingBuffer<TestEvent>.CreateSingleProducer(TinyRing, new BlockingWaitStrategy(), () => new TestEvent());
        var consumer = new Sequence();
        ring.AddGatingSequences(consumer);
        for (int i = 0; i < TinyRing; i++)
        {
            Assert.True(ring.TryNext(out long claimed));
            ring.Publish(claimed);
        }

        bool claimedWhenFull = ring.TryNext(out _);
        bool claimedBatchWhenFull = ring.TryNext(2, out _);
        consumer.SetValue(1);
        bool claimedBatchAfterTwoConsumed = ring.TryNext(2, out long high);
        bool claimedWhenFullAgain = ring.TryNext(out _);

        Assert.False(claimedWhenFull);
        Assert.False(claimedBatchWhenFull);
        Assert.True(claimedBatchAfterTwoConsumed);
        Assert.Equal(TinyRing + 1, high);
        Assert.False(claimedWhenFullAgain);
    }

    [Fact]
    public void RemainingCapacity_AfterClaimsAndConsumerProgress_CountsFreeSlots()
    {
        RingBuffer<TestEvent> ring = RingBuffer<TestEvent>.CreateSingleProducer(TinyRing, new BlockingWaitStrategy(), () => new TestEvent());
        var consumer = new Sequence();
        ring.AddGatingSequences(consumer);

        long initially = ring.RemainingCapacity();
        ring.Publish(ring.Next(5));
        long afterFiveClaims = ring.RemainingCapacity();
        consumer.SetValue(2);
        long afterThreeConsumed = ring.RemainingCapacity();
        ring.Publish(ring.Next(6));
        long whenFull = ring.RemainingCapacity();

        Assert.Equal(TinyRing, initially);
        Assert.Equal(3, afterFiveClaims);
        Assert.Equal(6, afterThreeConsumed);
        Assert.Equal(0, whenFull);
    }

    [Fact]
    public void PublishEvent_WhenScopeIsDisposed_PublishesTheClaimedSlot()
    {
        RingBuffer<TestEvent> ring = RingBuffer<TestEvent>.CreateSingleProducer(TinyRing, new BlockingWaitStrategy(), () => new TestEvent());
        long cursorInsideScope;
        long claimed;

        using (RingBuffer<TestEvent>.PublishScope scope = ring.PublishEvent())
        {
            scope.Event().Reset(42);
            claimed = scope.Sequence;
            cursorInsideScope = ring.Cursor;
        }

        Assert.Equal(0, claimed);
        Assert.Equal(Sequence.InitialValue, cursorInsideScope);
        Assert.Equal(0, ring.Cursor);
        Assert.True(ring.Sequencer.IsAvailable(0));
        Assert.Equal(42, ring[0].Value);
    }

    [Fact]
    public void PublishEvents_WhenScopeIsDisposed_PublishesTheWholeRange()
    {
        RingBuffer<TestSlot> ring = RingBuffer<TestSlot>.CreateMultiProducer(TinyRing, new BlockingWaitStrategy());
        SequenceBarrier barrier = ring.NewBarrier();
        long start;
        long end;
        long publishedInsideScope;

        using (RingBuffer<TestSlot>.BatchPublishScope scope = ring.PublishEvents(3))
        {
            start = scope.StartSequence;
            end = scope.EndSequence;
            for (long s = start; s <= end; s++)
            {
                scope.Event(s).Value = s * 10;
            }

            publishedInsideScope = ring.Sequencer.GetHighestPublishedSequence(0, end);
        }

        long available = barrier.WaitFor(0);

        Assert.Equal(0, start);
        Assert.Equal(2, end);
        Assert.Equal(Sequence.InitialValue, publishedInsideScope);
        Assert.Equal(2, available);
        Assert.Equal(10, ring[1].Value);
        Assert.Equal(20, ring[2].Value);
    }

    [Fact]
    public void PublishEvents_EventOutsideClaimedRange_ThrowsArgumentOutOfRange()
    {
        RingBuffer<TestSlot> ring = RingBuffer<TestSlot>.CreateSingleProducer(TinyRing, new BlockingWaitStrategy());

        void AccessAfterEnd()
        {
            using RingBuffer<TestSlot>.BatchPublishScope scope = ring.PublishEvents(2);
            scope.Event(scope.EndSequence + 1).Value = 1;
        }

        void AccessBeforeStart()
        {
            using RingBuffer<TestSlot>.BatchPublishScope scope = ring.PublishEvents(2);
            scope.Event(scope.StartSequence - 1).Value = 1;
        }

        Assert.Throws<ArgumentOutOfRangeException>(AccessAfterEnd);
        Assert.Throws<ArgumentOutOfRangeException>(AccessBeforeStart);
    }

    [Fact]
    public void Indexer_SequencesOneRingApart_ReturnTheSameEntry()
    {
        int created = 0;
        RingBuffer<TestEvent> ring = RingBuffer<TestEvent>.CreateSingleProducer(
            TinyRing,
            new BlockingWaitStrategy(),
            () =>
            {
                created++;
                return new TestEvent();
            });

        TestEvent first = ring[3];
        TestEvent oneRingLater = ring[3 + TinyRing];
        TestEvent manyRingsLater = ring[3 + (1000L * TinyRing)];
        TestEvent neighbour = ring[4];

        Assert.Equal(TinyRing, created);
        Assert.Same(first, oneRingLater);
        Assert.Same(first, manyRingsLater);
        Assert.NotSame(first, neighbour);
    }

    [Fact]
    public void Indexer_OnValueRing_ReturnsTheSlotByReference()
    {
        RingBuffer<TestSlot> ring = RingBuffer<TestSlot>.CreateSingleProducer(TinyRing, new BlockingWaitStrategy());

        ref TestSlot slot = ref ring[5];
        slot.Value = 77;

        Assert.Equal(77, ring[5].Value);
        Assert.Equal(77, ring[5 + TinyRing].Value);
        Assert.Equal(0, ring[6].Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-8)]
    [InlineData(6)]
    [InlineData(1000)]
    public void CreateSingleProducer_SizeNotPositivePowerOfTwo_ThrowsArgumentOutOfRange(int bufferSize)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => RingBuffer<TestSlot>.CreateSingleProducer(bufferSize, new BlockingWaitStrategy()));

        Assert.Equal("bufferSize", exception.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    public void CreateMultiProducer_SizeNotPositivePowerOfTwo_ThrowsArgumentOutOfRange(int bufferSize)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => RingBuffer<TestSlot>.CreateMultiProducer(bufferSize, new BlockingWaitStrategy()));

        Assert.Equal("bufferSize", exception.ParamName);
    }

    [Fact]
    public void Constructor_ReferenceEntriesWithoutFactory_ThrowsArgumentNull()
    {
        var sequencer = new SingleProducerSequencer(TinyRing, new BlockingWaitStrategy());

        var exception = Assert.Throws<ArgumentNullException>(() => new RingBuffer<TestEvent>(sequencer));

        Assert.Equal("factory", exception.ParamName);
    }

    [Fact]
    public void Constructor_NullSequencer_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new RingBuffer<TestSlot>(null!));
    }

    [Fact]
    public void Constructor_ValueEntriesWithoutFactory_StartsWithDefaultEntries()
    {
        var sequencer = new SingleProducerSequencer(TinyRing, new BlockingWaitStrategy());

        var ring = new RingBuffer<TestSlot>(sequencer);

        Assert.Equal(TinyRing, ring.BufferSize);
        Assert.Same(sequencer, ring.Sequencer);
        Assert.Equal(0, ring[TinyRing - 1].Value);
    }

    [Theory]
    [InlineData(ProducerType.Single, 0)]
    [InlineData(ProducerType.Single, TinyRing + 1)]
    [InlineData(ProducerType.Single, -1)]
    [InlineData(ProducerType.Multi, 0)]
    [InlineData(ProducerType.Multi, TinyRing + 1)]
    public void Next_ClaimSizeOutsideOneToBufferSize_ThrowsArgumentOutOfRange(ProducerType producerType, int n)
    {
        var ring = new RingBuffer<TestSlot>(Sequencer.Create(producerType, TinyRing, new BlockingWaitStrategy()));

        var next = Assert.Throws<ArgumentOutOfRangeException>(() => ring.Next(n));
        var tryNext = Assert.Throws<ArgumentOutOfRangeException>(() => ring.TryNext(n, out _));
        var publishEvents = Assert.Throws<ArgumentOutOfRangeException>(() => ring.PublishEvents(n).Dispose());

        Assert.Equal("n", next.ParamName);
        Assert.Equal("n", tryNext.ParamName);
        Assert.Equal("n", publishEvents.ParamName);
        Assert.Equal(Sequence.InitialValue, ring.Cursor);
    }

    [Theory]
    [InlineData(ProducerType.Single)]
    [InlineData(ProducerType.Multi)]
    public void Next_ClaimOfWholeBuffer_ReturnsLastSlot(ProducerType producerType)
    {
        var ring = new RingBuffer<TestSlot>(Sequencer.Create(producerType, TinyRing, new BlockingWaitStrategy()));
        ring.AddGatingSequences(new Sequence());

        long high = ring.Next(TinyRing);

        Assert.Equal(TinyRing - 1, high);
    }

    private static int WrapEventCount(WaitKind waitKind) =>
        StressScale.Of(waitKind is WaitKind.Blocking or WaitKind.Phased ? BlockingWrapEventCount : YieldingWrapEventCount);

    private static string? PublishReferenceEntries(RingBuffer<TestEvent> ring, int eventCount, bool batchClaims)
    {
        string? violation = null;
        int claimSize = 1;
        long published = 0;
        while (published < eventCount)
        {
            int n = batchClaims ? (int)Math.Min(claimSize, eventCount - published) : 1;
            long high = batchClaims ? ring.Next(n) : ring.Next();
            long low = high - n + 1;
            for (long sequence = low; sequence <= high; sequence++)
            {
                TestEvent entry = ring[sequence];
                // The slot may be reused only once the consumer has finished with its previous occupant.
                if (sequence >= TinyRing && entry.Consumed != sequence - TinyRing && violation is null)
                {
                    violation = $"slot of {sequence} reused while it held {entry.Consumed} as last consumed";
                }

                entry.Value = sequence;
            }

            if (batchClaims)
            {
                ring.Publish(low, high);
            }
            else
            {
                ring.Publish(high);
            }

            published += n;
            claimSize = (claimSize % TinyRing) + 1;
        }

        return violation;
    }

    private static string? PublishValueEntries(RingBuffer<TestSlot> ring, int eventCount, bool batchClaims)
    {
        string? violation = null;
        int claimSize = 1;
        long published = 0;
        while (published < eventCount)
        {
            int n = batchClaims ? (int)Math.Min(claimSize, eventCount - published) : 1;
            long high = batchClaims ? ring.Next(n) : ring.Next();
            long low = high - n + 1;
            for (long sequence = low; sequence <= high; sequence++)
            {
                ref TestSlot slot = ref ring[sequence];
                // Consumed holds the last consumed sequence plus one, so that a never-consumed slot (0) stands out.
                if (sequence >= TinyRing && slot.Consumed != sequence - TinyRing + 1 && violation is null)
                {
                    violation = $"slot of {sequence} reused while it held {slot.Consumed} as last consumed";
                }

                slot.Value = sequence;
            }

            if (batchClaims)
            {
                ring.Publish(low, high);
            }
            else
            {
                ring.Publish(high);
            }

            published += n;
            claimSize = (claimSize % TinyRing) + 1;
        }

        return violation;
    }

    private sealed class ReferenceWrapHandler : IEventHandler<TestEvent>
    {
        public ContiguityRecord Record { get; } = new();

        public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch)
        {
            Record.Observe(sequence, entry.Value);
            entry.Consumed = sequence;
        }
    }

    private sealed class ValueWrapHandler : IEventHandler<TestSlot>
    {
        public ContiguityRecord Record { get; } = new();

        public void OnEvent(ref TestSlot entry, long sequence, bool endOfBatch)
        {
            Record.Observe(sequence, entry.Value);
            entry.Consumed = sequence + 1;
        }
    }
}
