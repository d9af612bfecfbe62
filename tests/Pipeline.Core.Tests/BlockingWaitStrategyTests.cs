using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class BlockingWaitStrategyTests : WaitStrategyContractTests
{
    [Fact]
    public void IsBlockingStrategy_Always_IsTrue()
    {
        IWaitStrategy strategy = Create(null);

        bool isBlocking = strategy.IsBlockingStrategy;

        Assert.True(isBlocking);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_WaitersOnDifferentStages_EachReturnsOnlyWhenItsOwnStageAdvances()
    {
        var strategy = new BlockingWaitStrategy();
        var sequencer = new SingleProducerSequencer(8, strategy);
        sequencer.Publish(sequencer.Next(4));
        var stageA = new Sequence();
        var stageB = new Sequence();
        SequenceBarrier behindA = sequencer.NewBarrier(stageA);
        SequenceBarrier behindB = sequencer.NewBarrier(stageB);
        var parked = new CountdownEvent(2);

        Task<long> waiterA = TestThreads.Run(() => { parked.Signal(); return behindA.WaitFor(0); });
        Task<long> waiterB = TestThreads.Run(() => { parked.Signal(); return behindB.WaitFor(0); });
        Assert.True(parked.Wait(TestTimeouts.Default));
        stageA.SetValue(1);
        strategy.SignalAllWhenBlocking();
        long availableA = await waiterA.WaitAsync(TestTimeouts.Default);
        Task firstToFinish = await Task.WhenAny(waiterB, Task.Delay(TestTimeouts.Quiet));
        stageB.SetValue(3);
        strategy.SignalAllWhenBlocking();
        long availableB = await waiterB.WaitAsync(TestTimeouts.Default);

        Assert.Equal(1, availableA);
        Assert.NotSame(waiterB, firstToFinish);
        Assert.Equal(3, availableB);
    }

    [Fact(Timeout = TestTimeouts.TestMilliseconds)]
    public async Task WaitFor_MoreParkedWaitersThanRegistrySlots_AllWakeWhenPublished()
    {
        // The registry holds 64 waiters; the rest fall back to short timed waits and must still return.
        const int Waiters = 80;
        var strategy = new BlockingWaitStrategy();
        var sequencer = new SingleProducerSequencer(8, strategy);
        SequenceBarrier barrier = sequencer.NewBarrier();
        var parked = new CountdownEvent(Waiters);

        Task<long>[] waiters = Enumerable.Range(0, Waiters)
            .Select(_ => TestThreads.Run(() => { parked.Signal(); return barrier.WaitFor(0); }))
            .ToArray();
        Assert.True(parked.Wait(TestTimeouts.Default));
        sequencer.Publish(sequencer.Next(1));
        long[] available = await Task.WhenAll(waiters).WaitAsync(TestTimeouts.Default);

        Assert.All(available, a => Assert.Equal(0, a));
    }

    [Fact(Timeout = TestTimeouts.StressTestMilliseconds)]
    public async Task WaitFor_TwoStagesAdvancedConcurrently_TheWaiterBehindBothNeverMissesItsWakeUp()
    {
        // The waiter needs the minimum of two sequences that two threads advance at the same moment: whichever of
        // them signals last must see the other's write and wake it (a lost wake-up would hang one round).
        const int Rounds = 2_000;
        var strategy = new BlockingWaitStrategy();
        var sequencer = new SingleProducerSequencer(8, strategy);
        sequencer.Publish(sequencer.Next(8));
        var stageA = new Sequence();
        var stageB = new Sequence();
        SequenceBarrier barrier = sequencer.NewBarrier(stageA, stageB);
        using var go = new Barrier(3);

        Task advancing = TestThreads.Run(() => Advance(stageA));
        Task advancingB = TestThreads.Run(() => Advance(stageB));
        Task waiting = TestThreads.Run(() =>
        {
            for (long round = 0; round < Rounds; round++)
            {
                Assert.True(go.SignalAndWait(TestTimeouts.Default), "an advancing thread did not come back");
                long available = barrier.WaitFor(round);
                Assert.True(available >= round);
            }
        });
        await Task.WhenAll(advancing, advancingB, waiting).WaitAsync(TestTimeouts.Stress);

        Assert.Equal(Rounds - 1, Math.Min(stageA.Value, stageB.Value));

        void Advance(Sequence stage)
        {
            for (long round = 0; round < Rounds; round++)
            {
                Assert.True(go.SignalAndWait(TestTimeouts.Default), "the waiter did not come back: a wake-up was lost");
                stage.SetValue(round);
                strategy.SignalAllWhenBlocking();
            }
        }
    }

    protected override IWaitStrategy Create(TimeSpan? timeout) => new BlockingWaitStrategy(timeout);
}
