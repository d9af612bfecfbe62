using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

/// <summary>
/// What every <see cref="IWaitStrategy"/> promises, written once and inherited by one test class per strategy.
/// Each test has at most one waiting thread, so even the busy-spin strategy leaves a core for the test on two cores.
/// </summary>
public abstract class WaitStrategyContractTests
{
    private const int BufferSize = 8;
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>Creates the strategy under test; with <paramref name="timeout"/>, waits give up after it.</summary>
    protected abstract IWaitStrategy Create(TimeSpan? timeout);

    [Fact]
    public void WaitFor_SequenceAlreadyPublished_ReturnsAtOnceWithHighestAvailable()
    {
        // The timeout only bounds the test: a strategy that failed to see the sequence would return below it.
        IWaitStrategy strategy = Create(TestTimeouts.Default);
        var sequencer = new SingleProducerSequencer(BufferSize, strategy);
        sequencer.Publish(sequencer.Next(3));
        SequenceBarrier barrier = sequencer.NewBarrier();
        long started = Stopwatch.GetTimestamp();

        long viaStrategy = strategy.WaitFor(1, barrier.Dependents, CancellationToken.None);
        long viaBarrier = barrier.WaitFor(0);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

        Assert.Equal(2, viaStrategy);
        Assert.Equal(2, viaBarrier);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed}");
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_SequencePublishedFromAnotherThread_WakesTheWaiter()
    {
        IWaitStrategy strategy = Create(null);
        var sequencer = new SingleProducerSequencer(BufferSize, strategy);
        SequenceBarrier barrier = sequencer.NewBarrier();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> waiter = TestThreads.Run(() =>
        {
            waiting.SetResult();
            return barrier.WaitFor(0);
        });
        await waiting.Task.WaitAsync(TestTimeouts.Default);
        Task firstToFinish = await Task.WhenAny(waiter, Task.Delay(TestTimeouts.Quiet));
        sequencer.Publish(sequencer.Next(2));
        long available = await waiter.WaitAsync(TestTimeouts.Default);

        Assert.NotSame(waiter, firstToFinish);
        Assert.Equal(1, available);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_EarlierStageAdvancesFromAnotherThread_WakesTheWaiter()
    {
        IWaitStrategy strategy = Create(null);
        var sequencer = new SingleProducerSequencer(BufferSize, strategy);
        sequencer.Publish(sequencer.Next(4));
        var earlierStage = new Sequence();
        SequenceBarrier barrier = sequencer.NewBarrier(earlierStage);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> waiter = TestThreads.Run(() =>
        {
            waiting.SetResult();
            return barrier.WaitFor(0);
        });
        await waiting.Task.WaitAsync(TestTimeouts.Default);
        Task firstToFinish = await Task.WhenAny(waiter, Task.Delay(TestTimeouts.Quiet));
        earlierStage.SetValue(2);
        // What a processor does after it advances its sequence.
        strategy.SignalAllWhenBlocking();
        long available = await waiter.WaitAsync(TestTimeouts.Default);

        Assert.NotSame(waiter, firstToFinish);
        Assert.Equal(2, available);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_BarrierAlertedWhileWaiting_ThrowsOperationCanceled()
    {
        IWaitStrategy strategy = Create(null);
        var sequencer = new SingleProducerSequencer(BufferSize, strategy);
        SequenceBarrier barrier = sequencer.NewBarrier();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> waiter = TestThreads.Run(() =>
        {
            waiting.SetResult();
            return barrier.WaitFor(0);
        });
        await waiting.Task.WaitAsync(TestTimeouts.Default);
        Task firstToFinish = await Task.WhenAny(waiter, Task.Delay(TestTimeouts.Quiet));
        barrier.Alert();
        Exception? failure = await Record.ExceptionAsync(() => waiter.WaitAsync(TestTimeouts.Default));

        Assert.NotSame(waiter, firstToFinish);
        Assert.IsAssignableFrom<OperationCanceledException>(failure);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_TokenCancelledWhileWaiting_ThrowsOperationCanceled()
    {
        IWaitStrategy strategy = Create(null);
        var sequencer = new SingleProducerSequencer(BufferSize, strategy);
        SequenceBarrier barrier = sequencer.NewBarrier();
        using var cts = new CancellationTokenSource();
        // A parked waiter only re-checks its token when signalled; SequenceBarrier registers the same wake-up.
        using CancellationTokenRegistration wakeUp = cts.Token.Register(strategy.SignalAllWhenBlocking);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> waiter = TestThreads.Run(() =>
        {
            waiting.SetResult();
            return strategy.WaitFor(0, barrier.Dependents, cts.Token);
        });
        await waiting.Task.WaitAsync(TestTimeouts.Default);
        Task firstToFinish = await Task.WhenAny(waiter, Task.Delay(TestTimeouts.Quiet));
        await cts.CancelAsync();
        Exception? failure = await Record.ExceptionAsync(() => waiter.WaitAsync(TestTimeouts.Default));

        Assert.NotSame(waiter, firstToFinish);
        Assert.IsAssignableFrom<OperationCanceledException>(failure);
    }

    [Fact]
    public void WaitFor_TokenAlreadyCancelledAndNothingPublished_ThrowsOperationCanceled()
    {
        // The timeout only bounds the test if the strategy ignored the token.
        IWaitStrategy strategy = Create(TestTimeouts.Default);
        var sequencer = new SingleProducerSequencer(BufferSize, strategy);
        SequenceBarrier barrier = sequencer.NewBarrier();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Exception? failure = Record.Exception(() => strategy.WaitFor(0, barrier.Dependents, cts.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(failure);
    }

    [Fact]
    public void WaitFor_TimeoutElapsesBeforePublish_ReturnsBelowRequestedSequence()
    {
        IWaitStrategy strategy = Create(s_shortTimeout);
        var sequencer = new SingleProducerSequencer(BufferSize, strategy);
        sequencer.Publish(sequencer.Next(2));
        SequenceBarrier barrier = sequencer.NewBarrier();
        long started = Stopwatch.GetTimestamp();

        long viaStrategy = strategy.WaitFor(5, barrier.Dependents, CancellationToken.None);
        long viaBarrier = barrier.WaitFor(2);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

        Assert.Equal(1, viaStrategy);
        Assert.Equal(1, viaBarrier);
        // Two waits of 50 ms each; allow timer granularity below and a busy machine above.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(80), $"gave up after only {elapsed}");
        Assert.True(elapsed < TestTimeouts.Default, $"took {elapsed}");
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_WithTimeoutPublishedBeforeItElapses_ReturnsTheSequence()
    {
        IWaitStrategy strategy = Create(TestTimeouts.Default);
        var sequencer = new SingleProducerSequencer(BufferSize, strategy);
        SequenceBarrier barrier = sequencer.NewBarrier();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long> waiter = TestThreads.Run(() =>
        {
            waiting.SetResult();
            return barrier.WaitFor(0);
        });
        await waiting.Task.WaitAsync(TestTimeouts.Default);
        sequencer.Publish(sequencer.Next());
        long available = await waiter.WaitAsync(TestTimeouts.Default);

        Assert.Equal(0, available);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Create_NonPositiveTimeout_ThrowsArgumentOutOfRange(int milliseconds)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Create(TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Equal("timeout", exception.ParamName);
    }
}
