using Pipeline.Core.Waiting;
using Pipeline.Hosting.Configuration;

namespace Pipeline.Hosting.Engine;

/// <summary>The names of the pipeline's stages (in logs and failure reports) and the wait strategies by option.</summary>
internal static class StageNames
{
    public const string Journal = "journal";
    public const string Decode = "decode";
    public const string Application = "application";
    public const string Ack = "ack";
    public const string Store = "store";

    public static IWaitStrategy CreateWaitStrategy(WaitStrategyKind kind) => kind switch
    {
        WaitStrategyKind.Sleeping => new SleepingWaitStrategy(),
        WaitStrategyKind.Yielding => new YieldingWaitStrategy(),
        WaitStrategyKind.BusySpin => new BusySpinWaitStrategy(),
        WaitStrategyKind.Phased => new PhasedWaitStrategy(),
        _ => new BlockingWaitStrategy(),
    };
}
