using Pipeline.Core.Waiting;

namespace Pipeline.LatencyHarness;

/// <summary>1 producer -> ring -> 1 consumer, PhasedWaitStrategy.</summary>
internal sealed class OneToOne_Phased : RingOneToOneScenario
{
    public override string Threads => "producer: paced spin; consumer: spin 100, Thread.Yield for 100 us, then parks on a monitor (PhasedWaitStrategy)";

    protected override IWaitStrategy CreateWaitStrategy() => new PhasedWaitStrategy();
}
