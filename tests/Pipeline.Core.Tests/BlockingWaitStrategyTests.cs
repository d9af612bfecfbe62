using System;
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

    protected override IWaitStrategy Create(TimeSpan? timeout) => new BlockingWaitStrategy(timeout);
}
