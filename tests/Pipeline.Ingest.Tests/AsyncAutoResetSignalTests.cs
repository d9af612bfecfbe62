using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Pipeline.Ingest.Tests;

public sealed class AsyncAutoResetSignalTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task WaitAsync_AfterASet_CompletesAtOnceAndConsumesIt()
    {
        var signal = new AsyncAutoResetSignal();
        signal.Set();

        Task first = signal.WaitAsync().AsTask();
        Task second = signal.WaitAsync().AsTask();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(second.IsCompleted);
        signal.Set();
        await second.WaitAsync(s_timeout);
    }

    [Fact(Timeout = 30_000)]
    public async Task Set_SeveralTimesBeforeAWait_CollapseIntoOne()
    {
        var signal = new AsyncAutoResetSignal();
        signal.Set();
        signal.Set();
        signal.Set();

        Assert.True(signal.WaitAsync().AsTask().IsCompletedSuccessfully);
        Task next = signal.WaitAsync().AsTask();

        Assert.False(next.IsCompleted);
        signal.Set();
        await next.WaitAsync(s_timeout);
    }

    [Fact(Timeout = 30_000)]
    public async Task WaitAsync_ThenSet_CompletesTheWait()
    {
        var signal = new AsyncAutoResetSignal();
        Task wait = signal.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);

        signal.Set();

        await wait.WaitAsync(s_timeout);
    }

    [Fact(Timeout = 30_000)]
    public async Task WaitAsync_WhileAnotherWaits_Throws()
    {
        var signal = new AsyncAutoResetSignal();
        Task first = signal.WaitAsync().AsTask();

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => { _ = signal.WaitAsync().AsTask(); }); // thrown by the call itself

        Assert.Contains("already has a waiter", e.Message, StringComparison.Ordinal);
        signal.Set();
        await first.WaitAsync(s_timeout); // the first wait is unharmed
    }

    [Fact(Timeout = 30_000)]
    public async Task Set_NeverRunsTheContinuationOnTheSettersThread()
    {
        var signal = new AsyncAutoResetSignal();
        int continuationThread = -1;
        Task waiter = WaitAndRecordAsync();
        int setterThread = -2;
        var setter = new Thread(() =>
        {
            setterThread = Environment.CurrentManagedThreadId;
            signal.Set();
        });

        setter.Start();
        Assert.True(setter.Join(s_timeout));
        await waiter.WaitAsync(s_timeout);

        Assert.NotEqual(setterThread, continuationThread);

        async Task WaitAndRecordAsync()
        {
            await signal.WaitAsync();
            continuationThread = Environment.CurrentManagedThreadId;
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task SetFromAnotherThread_ManyTimes_NeverLosesTheLastWakeUp()
    {
        // The pattern of the sender loop: the producer publishes work, then sets; the consumer waits, then takes
        // all the work there is. A lost wake-up would leave the consumer waiting with work left.
        const int Items = 100_000;
        var signal = new AsyncAutoResetSignal();
        long published = 0;
        Task consumer = Task.Run(async () =>
        {
            long taken = 0;
            while (taken < Items)
            {
                await signal.WaitAsync();
                taken = Interlocked.Read(ref published);
            }
        });
        var producer = new Thread(() =>
        {
            for (int i = 0; i < Items; i++)
            {
                Interlocked.Increment(ref published);
                signal.Set();
            }
        });

        producer.Start();
        Assert.True(producer.Join(s_timeout));
        await consumer.WaitAsync(s_timeout);

        Assert.Equal(Items, Interlocked.Read(ref published));
    }
}
