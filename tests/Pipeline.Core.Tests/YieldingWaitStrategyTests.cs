using System;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class YieldingWaitStrategyTests : WaitStrategyContractTests
{
    [Fact]
    public void IsBlockingStrategy_Always_IsFalse()
    {
        IWaitStrategy strategy = Create(null);

        bool isBlocking = strategy.IsBlockingStrategy;

        Assert.False(isBlocking);
    }

    protected override IWaitStrategy Create(TimeSpan? timeout) => new YieldingWaitStrategy(timeout);
}
