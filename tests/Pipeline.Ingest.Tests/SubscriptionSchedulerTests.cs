using System.Threading;
using System.Threading.Tasks;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Ingest.Tests;

public sealed class SubscriptionSchedulerTests
{
    [Fact]
    public async Task Loops_RunOnTheOneSubscriptionThread_AndTheirAwaitsComeBackToIt()
    {
        var names = new string?[3];
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task loop = Task.Factory.StartNew(async () =>
        {
            names[0] = Thread.CurrentThread.Name;
            await Task.Yield();
            names[1] = Thread.CurrentThread.Name;
            await gate.Task.ConfigureAwait(true); // completed from a thread-pool thread below
            names[2] = Thread.CurrentThread.Name;
        }, CancellationToken.None, TaskCreationOptions.DenyChildAttach, SubscriptionScheduler.Shared).Unwrap();

        await Task.Run(gate.SetResult);
        await loop.WaitAsync(TestTimeouts.Default);

        Assert.All(names, name => Assert.Equal("pipeline-subscriptions", name));
        Assert.Equal(1, SubscriptionScheduler.Shared.MaximumConcurrencyLevel);
    }
}
