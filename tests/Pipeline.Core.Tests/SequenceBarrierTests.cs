using System;
using System.Threading.Tasks;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class SequenceBarrierTests
{
    private const int BufferSize = 16;

    [Fact]
    public void WaitFor_WithDependents_ReturnsTheSlowestDependent()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        sequencer.Publish(sequencer.Next(10));
        var stageOne = new Sequence(7);
        var stageTwo = new Sequence(4);
        SequenceBarrier barrier = sequencer.NewBarrier(stageOne, stageTwo);

        long available = barrier.WaitFor(3);

        Assert.Equal(4, available);
        Assert.Equal(4, barrier.Cursor);
    }

    [Fact]
    public void WaitFor_WithoutDependents_ReturnsTheCursor()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        sequencer.Publish(sequencer.Next(6));
        SequenceBarrier barrier = sequencer.NewBarrier();

        long available = barrier.WaitFor(0);

        Assert.Equal(5, available);
        Assert.Equal(5, barrier.Cursor);
    }

    [Fact]
    public void WaitFor_MultiProducerGapBeforeRequestedSequence_ReturnsOnlyThePublishedRun()
    {
        var sequencer = new MultiProducerSequencer(BufferSize, new BlockingWaitStrategy());
        SequenceBarrier barrier = sequencer.NewBarrier();
        sequencer.Publish(0, sequencer.Next(3));
        long unpublished = sequencer.Next();
        sequencer.Publish(sequencer.Next());

        long available = barrier.WaitFor(0);
        sequencer.Publish(unpublished);
        long afterGapFilled = barrier.WaitFor(0);

        Assert.Equal(unpublished - 1, available);
        Assert.Equal(unpublished + 1, afterGapFilled);
    }

    [Fact]
    public void WaitFor_WhenAlerted_ThrowsOperationCanceledUntilReset()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        sequencer.Publish(sequencer.Next());
        SequenceBarrier barrier = sequencer.NewBarrier();

        barrier.Alert();
        bool alerted = barrier.IsAlerted;
        Exception? whileAlerted = Record.Exception(() => barrier.WaitFor(0));
        barrier.ResetAlert();
        long afterReset = barrier.WaitFor(0);

        Assert.True(alerted);
        Assert.IsAssignableFrom<OperationCanceledException>(whileAlerted);
        Assert.False(barrier.IsAlerted);
        Assert.False(barrier.CancellationToken.IsCancellationRequested);
        Assert.Equal(0, afterReset);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task ResetAlert_AfterAlert_LetsABlockedWaiterBeWokenByAPublish()
    {
        var sequencer = new SingleProducerSequencer(BufferSize, new BlockingWaitStrategy());
        SequenceBarrier barrier = sequencer.NewBarrier();
        barrier.Alert();
        barrier.ResetAlert();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> waiter = TestThreads.Run(() =>
        {
            waiting.SetResult();
            return barrier.WaitFor(0);
        });
        await waiting.Task.WaitAsync(TestTimeouts.Default);
        Task firstToFinish = await Task.WhenAny(waiter, Task.Delay(TestTimeouts.Quiet));
        sequencer.Publish(sequencer.Next());
        long available = await waiter.WaitAsync(TestTimeouts.Default);

        Assert.NotSame(waiter, firstToFinish);
        Assert.Equal(0, available);
    }
}
