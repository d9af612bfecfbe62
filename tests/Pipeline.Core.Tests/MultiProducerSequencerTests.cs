using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class MultiProducerSequencerTests
{
    private const int BufferSize = 8;
    private const int ProducerCount = 4;
    private const int EventsPerProducer = 50_000;

    // Four producers and a consumer on two cores: a producer preempted between claim and publish stalls the consumer
    // until it runs again, so a ring of a few slots turns the test into a scheduler benchmark. 1024 slots still
    // wrap about 200 times, which exercises the per-slot lap flags.
    private const int StressRingSize = 1024;
    private const int TagShift = 40;
    private const long CounterMask = (1L << TagShift) - 1;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Next_FourProducersManyLaps_DeliversEveryEventExactlyOnce(int claimSize)
    {
        int perProducer = StressScale.Of(EventsPerProducer);
        var handler = new TaggedEventHandler(ProducerCount);
        var builder = new PipelineBuilder<TestEvent>(StressRingSize, () => new TestEvent(), ProducerType.Multi, new BlockingWaitStrategy());
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        RingBuffer<TestEvent> ring = pipeline.RingBuffer;
        using var start = new Barrier(ProducerCount);
        pipeline.Start();

        var producers = new Task[ProducerCount];
        for (int p = 0; p < ProducerCount; p++)
        {
            int producer = p;
            producers[p] = TestThreads.Run(() =>
            {
                Assert.True(start.SignalAndWait(TestTimeouts.Default));
                long tag = (long)producer << TagShift;
                for (long counter = 0; counter < perProducer;)
                {
                    int n = (int)Math.Min(claimSize, perProducer - counter);
                    long high = ring.Next(n);
                    for (long sequence = high - n + 1; sequence <= high; sequence++)
                    {
                        ring[sequence].Reset(tag | counter);
                        counter++;
                    }

                    ring.Publish(high - n + 1, high);
                }
            });
        }

        await Task.WhenAll(producers).WaitAsync(TestTimeouts.Stress);
        bool drained = pipeline.Drain(TestTimeouts.Stress);

        Assert.True(drained);
        Assert.Null(handler.FirstViolation);
        Assert.Equal((long)ProducerCount * perProducer, handler.Total);
        for (int p = 0; p < ProducerCount; p++)
        {
            Assert.Equal(perProducer, handler.CountOf(p));
        }
    }

    [Fact]
    public async Task TryNext_FourProducersRetryingWhenFull_DeliverEveryEventExactlyOnce()
    {
        int perProducer = StressScale.Of(EventsPerProducer);
        var handler = new TaggedEventHandler(ProducerCount);
        var builder = new PipelineBuilder<TestEvent>(BufferSize, () => new TestEvent(), ProducerType.Multi, new YieldingWaitStrategy());
        builder.HandleWith(handler);
        using EventPipeline<TestEvent> pipeline = builder.Build();
        RingBuffer<TestEvent> ring = pipeline.RingBuffer;
        long fullReports = 0;
        pipeline.Start();

        var producers = new Task[ProducerCount];
        for (int p = 0; p < ProducerCount; p++)
        {
            int producer = p;
            producers[p] = TestThreads.Run(() =>
            {
                long tag = (long)producer << TagShift;
                long deadline = Stopwatch.GetTimestamp() + (long)(TestTimeouts.Stress.TotalSeconds * Stopwatch.Frequency);
                for (long counter = 0; counter < perProducer; counter++)
                {
                    long sequence;
                    while (!ring.TryNext(out sequence))
                    {
                        Interlocked.Increment(ref fullReports);
                        Assert.True(Stopwatch.GetTimestamp() < deadline, "TryNext never found room");
                        Thread.Yield();
                    }

                    ring[sequence].Reset(tag | counter);
                    ring.Publish(sequence);
                }
            });
        }

        await Task.WhenAll(producers).WaitAsync(TestTimeouts.Stress);
        bool drained = pipeline.Drain(TestTimeouts.Stress);

        Assert.True(drained);
        Assert.Null(handler.FirstViolation);
        Assert.Equal((long)ProducerCount * perProducer, handler.Total);
        for (int p = 0; p < ProducerCount; p++)
        {
            Assert.Equal(perProducer, handler.CountOf(p));
        }

        Assert.True(Interlocked.Read(ref fullReports) > 0, "the producers never filled the ring, so the test proved nothing about TryNext");
    }

    [Fact]
    public void TryNext_WhenRingIsFull_ReturnsFalseUntilGatingSequenceAdvances()
    {
        var sequencer = new MultiProducerSequencer(BufferSize, new BlockingWaitStrategy());
        var consumer = new Sequence();
        sequencer.AddGatingSequences(consumer);
        Assert.True(sequencer.TryNext(BufferSize, out long high));
        sequencer.Publish(0, high);

        bool claimedWhenFull = sequencer.TryNext(out _);
        long remainingWhenFull = sequencer.RemainingCapacity();
        consumer.SetValue(2);
        long remainingAfterThreeConsumed = sequencer.RemainingCapacity();
        bool claimedFour = sequencer.TryNext(4, out _);
        bool claimedThree = sequencer.TryNext(3, out long third);

        Assert.False(claimedWhenFull);
        Assert.Equal(0, remainingWhenFull);
        Assert.Equal(3, remainingAfterThreeConsumed);
        Assert.False(claimedFour);
        Assert.True(claimedThree);
        Assert.Equal(BufferSize + 2, third);
        Assert.Equal(BufferSize + 2, sequencer.Cursor.Value);
    }

    [Fact]
    public void Publish_OutOfOrder_HighestPublishedStopsAtTheFirstGap()
    {
        var sequencer = new MultiProducerSequencer(BufferSize, new BlockingWaitStrategy());
        long first = sequencer.Next();
        long second = sequencer.Next();
        long third = sequencer.Next();

        sequencer.Publish(third);
        sequencer.Publish(second);
        long beforeFirst = sequencer.GetHighestPublishedSequence(0, third);
        sequencer.Publish(first);
        long afterFirst = sequencer.GetHighestPublishedSequence(0, third);

        Assert.Equal(Sequence.InitialValue, beforeFirst);
        Assert.Equal(third, afterFirst);
        Assert.False(sequencer.IsAvailable(third + 1));
    }

    [Fact]
    public void IsAvailable_SlotRepublishedInLaterLap_ReportsOnlyTheLatestLap()
    {
        var sequencer = new MultiProducerSequencer(BufferSize, new BlockingWaitStrategy());
        for (int i = 0; i < BufferSize + 1; i++)
        {
            sequencer.Publish(sequencer.Next());
        }

        bool oldLap = sequencer.IsAvailable(0);
        bool newLap = sequencer.IsAvailable(BufferSize);
        bool nextLapNotYet = sequencer.IsAvailable(1 + BufferSize);

        Assert.False(oldLap);
        Assert.True(newLap);
        Assert.False(nextLapNotYet);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Next_WithTokenCancelledWhileRingIsFull_ThrowsOperationCanceled()
    {
        var sequencer = new MultiProducerSequencer(BufferSize, new BlockingWaitStrategy());
        sequencer.AddGatingSequences(new Sequence());
        sequencer.Publish(0, sequencer.Next(BufferSize));
        using var cts = new CancellationTokenSource();
        var claiming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> producer = TestThreads.Run(() =>
        {
            claiming.SetResult();
            return sequencer.Next(1, cts.Token);
        });
        await claiming.Task.WaitAsync(TestTimeouts.Default);
        Task firstToFinish = await Task.WhenAny(producer, Task.Delay(TestTimeouts.Quiet));
        await cts.CancelAsync();
        Exception? failure = await Record.ExceptionAsync(() => producer.WaitAsync(TestTimeouts.Default));

        Assert.NotSame(producer, firstToFinish);
        Assert.IsAssignableFrom<OperationCanceledException>(failure);
    }

    // Checks that every producer's events arrive in that producer's order with no gap or repeat, which together
    // with the totals means every event arrived exactly once.
    private sealed class TaggedEventHandler : IEventHandler<TestEvent>
    {
        private readonly long[] _nextCounter;
        private long _total;
        private long _nextSequence;
        private string? _firstViolation;

        public TaggedEventHandler(int producers)
        {
            _nextCounter = new long[producers];
        }

        public string? FirstViolation => Volatile.Read(ref _firstViolation);

        public long Total => Volatile.Read(ref _total);

        public long CountOf(int producer) => Volatile.Read(ref _nextCounter[producer]);

        public void OnEvent(ref TestEvent entry, long sequence, bool endOfBatch)
        {
            if (sequence != _nextSequence)
            {
                Violate($"expected sequence {_nextSequence} but got {sequence}");
            }

            _nextSequence = sequence + 1;
            long producer = entry.Value >> TagShift;
            long counter = entry.Value & CounterMask;
            if (producer < 0 || producer >= _nextCounter.Length)
            {
                Violate($"sequence {sequence} carried unknown producer {producer}");
            }
            else if (counter != _nextCounter[producer])
            {
                Violate($"producer {producer}: expected event {_nextCounter[producer]} but got {counter} at {sequence}");
            }
            else
            {
                Volatile.Write(ref _nextCounter[producer], counter + 1);
            }

            entry.Value = -1;
            Volatile.Write(ref _total, _total + 1);
        }

        private void Violate(string violation) => Interlocked.CompareExchange(ref _firstViolation, violation, null);
    }
}
