using Pipeline.Core.Waiting;

namespace Pipeline.LatencyHarness;

/// <summary>1 producer -> ring -> 1 consumer, YieldingWaitStrategy.</summary>
internal sealed class OneToOne_Yielding : RingOneToOneScenario
{
    public override string Threads => "producer: paced spin; consumer: spin 100, then Thread.Yield per poll (YieldingWaitStrategy)";

    protected override IWaitStrategy CreateWaitStrategy() => new YieldingWaitStrategy();
}
