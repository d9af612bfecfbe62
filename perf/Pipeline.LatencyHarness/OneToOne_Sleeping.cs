using Pipeline.Core.Waiting;

namespace Pipeline.LatencyHarness;

/// <summary>1 producer -> ring -> 1 consumer, SleepingWaitStrategy.</summary>
internal sealed class OneToOne_Sleeping : RingOneToOneScenario
{
    public override string Threads => "producer: paced spin; consumer: spin 100, yield 100, then sleep 1 ms per poll (SleepingWaitStrategy)";

    protected override IWaitStrategy CreateWaitStrategy() => new SleepingWaitStrategy();
}
