using System;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class PhasedWaitStrategyTests : WaitStrategyContractTests
{
    [Fact]
    public void IsBlockingStrategy_Always_IsTrue()
    {
        IWaitStrategy strategy = Create(null);

        bool isBlocking = strategy.IsBlockingStrategy;

        Assert.True(isBlocking);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_NoSpinsAndNoYieldTime_ParksAndIsWokenBySignal()
    {
        var strategy = new PhasedWaitStrategy(spinTries: 0, yieldTime: TimeSpan.Zero);
        var sequencer = new SingleProducerSequencer(8, strategy);
        sequencer.Publish(sequencer.Next(4));
        var earlierStage = new Sequence();
        SequenceBarrier barrier = sequencer.NewBarrier(earlierStage);
        Thread? waiterThread = null;

        Task<long> waiter = TestThreads.Run(() =>
        {
            Volatile.Write(ref waiterThread, Thread.CurrentThread);
            return barrier.WaitFor(0);
        });
        bool parked = SpinWait.SpinUntil(() => IsParked(strategy, Volatile.Read(ref waiterThread)), TestTimeouts.Default);
        bool returnedWhileParked = waiter.IsCompleted;
        earlierStage.SetValue(2);
        // What a processor does after it advances its sequence.
        strategy.SignalAllWhenBlocking();
        long available = await waiter.WaitAsync(TestTimeouts.Default);

        Assert.True(parked, "the waiter never parked");
        Assert.False(returnedWhileParked);
        Assert.Equal(2, available);
        Assert.Equal(0, strategy.RegisteredWaiters);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_IdleWithDefaultThresholds_EndsUpParkedAndWakesOnPublish()
    {
        var strategy = new PhasedWaitStrategy();
        var sequencer = new SingleProducerSequencer(8, strategy);
        SequenceBarrier barrier = sequencer.NewBarrier();
        Thread? waiterThread = null;

        Task<long> waiter = TestThreads.Run(() =>
        {
            Volatile.Write(ref waiterThread, Thread.CurrentThread);
            return barrier.WaitFor(0);
        });
        // The spin and yield phases last about 0.1 ms; then nothing but a publish may end the wait.
        bool parked = SpinWait.SpinUntil(() => IsParked(strategy, Volatile.Read(ref waiterThread)), TestTimeouts.Default);
        bool returnedWhileParked = waiter.IsCompleted;
        sequencer.Publish(sequencer.Next());
        long available = await waiter.WaitAsync(TestTimeouts.Default);

        Assert.True(parked, "the idle waiter never parked");
        Assert.False(returnedWhileParked);
        Assert.Equal(0, available);
        Assert.Equal(0, strategy.RegisteredWaiters);
    }

    [Fact(Timeout = TestTimeouts.StressTestMilliseconds)]
    public async Task WaitFor_AdvancesLandingInEveryPhase_NeverMissesAWakeUp()
    {
        // Short phases and an advance delayed by a growing spin, so that over the rounds it lands while the waiter
        // spins, while it yields, around its registration and while it is parked: a lost wake-up hangs one round.
        int rounds = StressScale.Of(2_000);
        var strategy = new PhasedWaitStrategy(spinTries: 10, yieldTime: TimeSpan.FromMicroseconds(20));
        var sequencer = new SingleProducerSequencer(8, strategy);
        sequencer.Publish(sequencer.Next(8));
        var stage = new Sequence();
        SequenceBarrier barrier = sequencer.NewBarrier(stage);
        using var go = new Barrier(2);

        Task advancing = TestThreads.Run(() =>
        {
            for (long round = 0; round < rounds; round++)
            {
                Assert.True(go.SignalAndWait(TestTimeouts.Default), "the waiter did not come back: a wake-up was lost");
                Thread.SpinWait((int)(round % 200) * 20);
                stage.SetValue(round);
                strategy.SignalAllWhenBlocking();
            }
        });
        Task waiting = TestThreads.Run(() =>
        {
            for (long round = 0; round < rounds; round++)
            {
                Assert.True(go.SignalAndWait(TestTimeouts.Default), "the advancing thread did not come back");
                long available = barrier.WaitFor(round);
                Assert.True(available >= round);
            }
        });
        await Task.WhenAll(advancing, waiting).WaitAsync(TestTimeouts.Stress);

        Assert.Equal(rounds - 1, stage.Value);
        Assert.Equal(0, strategy.RegisteredWaiters);
    }

    [Fact]
    public void Constructor_NegativeSpinTries_ThrowsArgumentOutOfRange()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new PhasedWaitStrategy(spinTries: -1));

        Assert.Equal("spinTries", exception.ParamName);
    }

    [Theory]
    [InlineData(-0.001)]
    [InlineData(-1)]
    [InlineData(1_000.001)]
    public void Constructor_YieldTimeNegativeOrAboveOneSecond_ThrowsArgumentOutOfRange(double milliseconds)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => new PhasedWaitStrategy(yieldTime: TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Equal("yieldTime", exception.ParamName);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1_000)]
    [InlineData(1_000_000, 0)]
    public void Constructor_ThresholdsAtTheirBounds_Succeeds(int spinTries, double yieldMilliseconds)
    {
        var strategy = new PhasedWaitStrategy(spinTries, TimeSpan.FromMilliseconds(yieldMilliseconds));

        Assert.True(strategy.IsBlockingStrategy);
    }

    protected override IWaitStrategy Create(TimeSpan? timeout) => new PhasedWaitStrategy(timeout: timeout);

    // Registered in the blocking phase, and the thread inside Monitor.Wait (its only wait once registered).
    private static bool IsParked(PhasedWaitStrategy strategy, Thread? waiterThread) =>
        strategy.RegisteredWaiters == 1
        && waiterThread is not null
        && (waiterThread.ThreadState & ThreadState.WaitSleepJoin) != 0;
}
