using System;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class SingleProducerSequencerTests
{
    private const int BufferSize = 8;

    [Fact]
    public void Next_OnFreshSequencer_ClaimsFromZeroWithoutPublishing()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());

        long first = sequencer.Next();
        long highOfThree = sequencer.Next(3);

        Assert.Equal(0, first);
        Assert.Equal(3, highOfThree);
        Assert.Equal(Sequence.InitialValue, sequencer.Cursor.Value);
        Assert.False(sequencer.IsAvailable(0));
    }

    [Fact]
    public void Publish_Range_MakesEverySequenceUpToHighAvailable()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        long high = sequencer.Next(4);

        sequencer.Publish(high - 3, high);

        Assert.Equal(3, sequencer.Cursor.Value);
        Assert.True(sequencer.IsAvailable(0));
        Assert.True(sequencer.IsAvailable(3));
        Assert.False(sequencer.IsAvailable(4));
        Assert.Equal(3, sequencer.GetHighestPublishedSequence(0, 3));
    }

    [Fact]
    public void IsAvailable_SequenceOverwrittenByLaterLap_ReturnsFalse()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        for (int i = 0; i < BufferSize + 2; i++)
        {
            sequencer.Publish(sequencer.Next());
        }

        bool firstLap = sequencer.IsAvailable(1);
        bool secondLap = sequencer.IsAvailable(1 + BufferSize);
        bool lastOfFirstLapStillInRing = sequencer.IsAvailable(BufferSize - 1);

        Assert.False(firstLap);
        Assert.True(secondLap);
        Assert.True(lastOfFirstLapStillInRing);
    }

    [Fact]
    public void TryNext_WhenGatingSequenceLagsByBufferSize_ReturnsFalseAndClaimsNothing()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        var consumer = new Sequence();
        sequencer.AddGatingSequences(consumer);
        sequencer.Publish(sequencer.Next(BufferSize));

        bool claimed = sequencer.TryNext(out long sequence);
        long remaining = sequencer.RemainingCapacity();
        consumer.SetValue(0);
        bool claimedAfterOneConsumed = sequencer.TryNext(out long afterAdvance);

        Assert.False(claimed);
        Assert.Equal(default, sequence);
        Assert.Equal(0, remaining);
        Assert.True(claimedAfterOneConsumed);
        Assert.Equal(BufferSize, afterAdvance);
    }

    [Fact]
    public void TryNext_WithoutGatingSequences_NeverReportsFull()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());

        bool allClaimed = true;
        for (int i = 0; i < BufferSize * 3; i++)
        {
            allClaimed &= sequencer.TryNext(out long claimed);
            sequencer.Publish(claimed);
        }

        Assert.True(allClaimed);
        Assert.Equal((BufferSize * 3) - 1, sequencer.Cursor.Value);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Next_WhenRingIsFull_WaitsUntilGatingSequenceAdvances()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        var consumer = new Sequence();
        sequencer.AddGatingSequences(consumer);
        sequencer.Publish(sequencer.Next(BufferSize));
        var claiming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> producer = TestThreads.Run(() =>
        {
            claiming.SetResult();
            return sequencer.Next(2);
        });
        await claiming.Task.WaitAsync(TestTimeouts.Default);
        Task firstToFinish = await Task.WhenAny(producer, Task.Delay(TestTimeouts.Quiet));
        consumer.SetValue(0);
        Task secondToFinish = await Task.WhenAny(producer, Task.Delay(TestTimeouts.Quiet));
        consumer.SetValue(1);
        long claimed = await producer.WaitAsync(TestTimeouts.Default);

        Assert.NotSame(producer, firstToFinish);
        Assert.NotSame(producer, secondToFinish);
        Assert.Equal(BufferSize + 1, claimed);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task Next_WithTokenCancelledWhileRingIsFull_ThrowsAndLeavesRingUsable()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        var consumer = new Sequence();
        sequencer.AddGatingSequences(consumer);
        sequencer.Publish(sequencer.Next(BufferSize));
        using var cts = new CancellationTokenSource();
        var claiming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> producer = TestThreads.Run(() =>
        {
            claiming.SetResult();
            return sequencer.Next(1, cts.Token);
        });
        await claiming.Task.WaitAsync(TestTimeouts.Default);
        await cts.CancelAsync();
        Exception? failure = await Record.ExceptionAsync(() => producer.WaitAsync(TestTimeouts.Default));
        consumer.SetValue(0);
        bool claimedAfterCancel = sequencer.TryNext(out long next);

        Assert.IsAssignableFrom<OperationCanceledException>(failure);
        Assert.True(claimedAfterCancel);
        Assert.Equal(BufferSize, next);
    }

    [Fact]
    public void Next_WithCancelledTokenButCapacity_Claims()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        long claimed = sequencer.Next(2, cts.Token);

        Assert.Equal(1, claimed);
    }

    [Fact]
    public void Constructor_NullWaitStrategy_ThrowsArgumentNull()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => new SingleProducerSequencer(BufferSize, null!));

        Assert.Equal("waitStrategy", exception.ParamName);
    }
}
