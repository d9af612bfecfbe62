using System;
using Xunit;

namespace Pipeline.Streams.Tests;

public sealed class StatelessFlowTests
{
    [Fact]
    public void Sum_AfterWhereAndSelect_EmitsTheRunningSumOfKeptMappedEvents()
    {
        var sink = new RecordingSink<double>();
        IFlow<long> flow = Flow.Of<long>().Where(x => x % 2 == 0).Select(x => x * 10.0).Sum(x => x).Build(sink);

        for (long i = 1; i <= 6; i++)
        {
            flow.OnEvent(i, i * 100);
        }

        Assert.Equal(new[] { 20.0, 60.0, 120.0 }, sink.Values);
        Assert.Equal(new[] { 200L, 400L, 600L }, sink.Times);
    }

    [Fact]
    public void Count_OnEveryEvent_EmitsTheRunningCount()
    {
        var sink = new RecordingSink<long>();
        IFlow<string> flow = Flow.Of<string>().Count().Build(sink);

        flow.OnEvent("a", 1);
        flow.OnEvent("b", 2);

        Assert.Equal(new[] { 1L, 2L }, sink.Values);
    }

    [Fact]
    public void Reduce_OnEveryEvent_EmitsFirstEventThenTheReduction()
    {
        var sink = new RecordingSink<long>();
        IFlow<long> flow = Flow.Of<long>().Reduce(Math.Max).Build(sink);

        flow.OnEvent(3, 1);
        flow.OnEvent(1, 2);
        flow.OnEvent(7, 3);

        Assert.Equal(new[] { 3L, 3L, 7L }, sink.Values);
    }

    [Fact]
    public void EventTime_WithSelector_ReplacesTheTimePassedIn()
    {
        var sink = new RecordingSink<Reading>();
        IFlow<Reading> flow = Flow.Of<Reading>().EventTime(r => r.Value).To().Build(sink);

        flow.OnEvent(new Reading(1, 42), 7);

        Assert.Equal(new[] { 42L }, sink.Times);
    }

    [Fact]
    public void Snapshot_OfRunningSum_RestoresIntoAFreshFlow()
    {
        var plan = Flow.Of<long>().Sum(x => x);
        var first = new RecordingSink<double>();
        IFlow<long> flow = plan.Build(first);
        flow.OnEvent(5, 1);
        flow.OnEvent(6, 2);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        flow.Snapshot(buffer);

        var second = new RecordingSink<double>();
        IFlow<long> restored = plan.Build(second);
        restored.Restore(buffer.WrittenSpan);
        restored.OnEvent(1, 3);

        Assert.Equal(new[] { 12.0 }, second.Values);
    }

    [Fact]
    public void OnEvent_FilterMapSumInSteadyState_AllocatesNothing()
    {
        var sink = new CountingSink<double>();
        IFlow<long> flow = Flow.Of<long>().Where(x => x % 3 != 0).Select(x => x * 2.0).Sum(x => x).Build(sink);
        for (long i = 0; i < 1_000; i++)
        {
            flow.OnEvent(i, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long i = 1_000; i < 101_000; i++)
        {
            flow.OnEvent(i, i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sink.Count > 60_000);
    }
}
