using Pipeline.Core.Waiting;

namespace Pipeline.LatencyHarness;

/// <summary>1 producer -> ring -> 1 consumer, BusySpinWaitStrategy.</summary>
internal sealed class OneToOne_BusySpin : RingOneToOneScenario
{
    public override string Threads => "BUSY-SPIN: 2 busy threads on 2 cores (producer paced spin + consumer BusySpinWaitStrategy)";

    protected override IWaitStrategy CreateWaitStrategy() => new BusySpinWaitStrategy();
}
