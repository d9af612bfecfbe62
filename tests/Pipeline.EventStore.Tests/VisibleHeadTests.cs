using System;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EventStore.Tests;

public sealed class VisibleHeadTests
{
    [Fact]
    public void Advance_LowerThanThePosition_IsIgnored()
    {
        var head = new VisibleHead(10);

        head.Advance(20);
        head.Advance(15);

        Assert.Equal(20, head.Position);
    }

    [Fact]
    public void Constructor_NegativePosition_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VisibleHead(-1));
    }

    [Fact(Timeout = 10_000)]
    public async Task WaitForAsync_AlreadyReached_CompletesSynchronouslyWithTrue()
    {
        var head = new VisibleHead(5);

        ValueTask<bool> wait = head.WaitForAsync(5, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(await wait);
        Assert.Equal(0, head.WaiterCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task WaitForAsync_AdvancedLater_CompletesWithTrueAndLeavesNoWaiter()
    {
        var head = new VisibleHead();
        Task<bool> wait = head.WaitForAsync(3, TestTimeouts.Default, CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);

        head.Advance(2);
        Assert.False(wait.IsCompleted);
        head.Advance(3);

        Assert.True(await wait.WaitAsync(TestTimeouts.Default));
        Assert.Equal(0, head.WaiterCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task WaitForAsync_NotReachedInTime_ReturnsFalseAndLeavesNoWaiter()
    {
        var head = new VisibleHead(1);

        bool reached = await head.WaitForAsync(2, TimeSpan.FromMilliseconds(50), CancellationToken.None);

        Assert.False(reached);
        Assert.Equal(0, head.WaiterCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task WaitForAsync_ZeroTimeout_OnlyChecks()
    {
        var head = new VisibleHead(1);

        bool reached = await head.WaitForAsync(2, TimeSpan.Zero, CancellationToken.None);

        Assert.False(reached);
        Assert.Equal(0, head.WaiterCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task WaitForAsync_Cancelled_ThrowsAndLeavesNoWaiter()
    {
        var head = new VisibleHead();
        using var cancel = new CancellationTokenSource();
        Task<bool> wait = head.WaitForAsync(1, TestTimeouts.Default, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(0, head.WaiterCount);
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitForAsync_ManyWaitersWhileAnotherThreadAdvances_EveryWaiterWakes()
    {
        const int Waiters = 2000;
        var head = new VisibleHead();
        var waits = new Task<bool>[Waiters];
        Task advancer = Task.Run(() =>
        {
            for (long p = 1; p <= Waiters; p++)
            {
                head.Advance(p);
            }
        });
        for (int i = 0; i < Waiters; i++)
        {
            waits[i] = head.WaitForAsync(i + 1, TestTimeouts.Default, CancellationToken.None).AsTask();
        }

        await advancer.WaitAsync(TestTimeouts.Default);
        bool[] reached = await Task.WhenAll(waits).WaitAsync(TestTimeouts.Default);

        Assert.All(reached, Assert.True);
        Assert.Equal(0, head.WaiterCount);
    }
}
