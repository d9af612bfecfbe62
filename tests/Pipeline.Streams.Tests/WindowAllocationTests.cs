using System;
using Xunit;

namespace Pipeline.Streams.Tests;

public sealed class WindowAllocationTests
{
    [Fact]
    public void OnEvent_KeyedSlidingWindowOnceKeysAndPanesExist_AllocatesNothing()
    {
        const int Keys = 1_000;
        var sink = new CountingSink<WindowResult<long, double>>();
        IFlow<Reading> flow = Flow.Of<Reading>().KeyBy(r => r.Key)
            .Window(Windows.Sliding(10_000, 5_000), lateness: 1_000).Average(r => r.Value).Build(sink);

        // Every key in every pane row at least once, and several windows closed, before measuring.
        long time = 0;
        for (int i = 0; i < 60_000; i++, time += 1)
        {
            flow.OnEvent(new Reading(i % Keys, i), time);
        }

        long emittedBefore = sink.Count;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++, time += 1)
        {
            flow.OnEvent(new Reading(i % Keys, i), time);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sink.Count - emittedBefore >= 19 * Keys, $"{sink.Count - emittedBefore} results while measuring");
    }
}
