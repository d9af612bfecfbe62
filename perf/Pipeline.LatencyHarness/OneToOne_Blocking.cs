using Pipeline.Core.Waiting;

namespace Pipeline.LatencyHarness;

/// <summary>1 producer -> ring -> 1 consumer, BlockingWaitStrategy.</summary>
internal sealed class OneToOne_Blocking : RingOneToOneScenario
{
    public override string Threads => "producer: paced spin; consumer: parks on a monitor (BlockingWaitStrategy)";

    protected override IWaitStrategy CreateWaitStrategy() => new BlockingWaitStrategy();
}
