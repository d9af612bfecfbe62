using System;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

public sealed class SleepingWaitStrategyTests : WaitStrategyContractTests
{
    [Fact]
    public void IsBlockingStrategy_Always_IsFalse()
    {
        IWaitStrategy strategy = Create(null);

        bool isBlocking = strategy.IsBlockingStrategy;

        Assert.False(isBlocking);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(-1)]
    public void Constructor_SleepBelowOneMillisecond_ThrowsArgumentOutOfRange(double milliseconds)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => new SleepingWaitStrategy(TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Equal("sleep", exception.ParamName);
    }

    protected override IWaitStrategy Create(TimeSpan? timeout) => new SleepingWaitStrategy(timeout: timeout);
}
