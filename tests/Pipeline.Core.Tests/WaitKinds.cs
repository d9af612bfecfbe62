using System;
using Pipeline.Core.Waiting;

namespace Pipeline.Core.Tests;

/// <summary>Creates the strategy a <see cref="WaitKind"/> names.</summary>
internal static class WaitKinds
{
    public static IWaitStrategy Create(WaitKind kind, TimeSpan? timeout = null) => kind switch
    {
        WaitKind.Blocking => new BlockingWaitStrategy(timeout),
        WaitKind.Sleeping => new SleepingWaitStrategy(timeout: timeout),
        WaitKind.Yielding => new YieldingWaitStrategy(timeout),
        WaitKind.BusySpin => new BusySpinWaitStrategy(timeout),
        WaitKind.Phased => new PhasedWaitStrategy(timeout: timeout),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
