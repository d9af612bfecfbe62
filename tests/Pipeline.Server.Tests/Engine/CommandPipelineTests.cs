using System;
using Pipeline.Core.Waiting;
using Pipeline.Hosting.Configuration;
using Pipeline.Hosting.Engine;
using Xunit;

namespace Pipeline.Server.Tests.Engine;

public sealed class CommandPipelineTests
{
    [Theory]
    [InlineData("Blocking", typeof(BlockingWaitStrategy))]
    [InlineData("Sleeping", typeof(SleepingWaitStrategy))]
    [InlineData("Yielding", typeof(YieldingWaitStrategy))]
    [InlineData("BusySpin", typeof(BusySpinWaitStrategy))]
    [InlineData("Phased", typeof(PhasedWaitStrategy))]
    public void CreateWaitStrategy_EachKind_CreatesTheStrategyItNames(string configured, Type expected)
    {
        // By the name an operator writes in Pipeline:Engine:WaitStrategy (the kind enum is internal).
        WaitStrategyKind kind = Enum.Parse<WaitStrategyKind>(configured);

        IWaitStrategy strategy = StageNames.CreateWaitStrategy(kind);

        Assert.IsType(expected, strategy);
    }

    [Fact]
    public void CreateWaitStrategy_EveryKind_IsMapped()
    {
        // A kind added to the enum but not to the switch would silently fall back to Blocking.
        foreach (WaitStrategyKind kind in Enum.GetValues<WaitStrategyKind>())
        {
            IWaitStrategy strategy = StageNames.CreateWaitStrategy(kind);

            Assert.True(kind == WaitStrategyKind.Blocking || strategy is not BlockingWaitStrategy, $"{kind} falls back to Blocking");
        }
    }
}
