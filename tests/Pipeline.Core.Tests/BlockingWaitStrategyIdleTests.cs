using System;
using System.Diagnostics;
using System.Threading;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Xunit;

namespace Pipeline.Core.Tests;

/// <summary>
/// An idle pipeline with the blocking strategy, or the phased one once its spin and yield phases end, parks every
/// processor: over a second of idle wall time the whole process uses a small fraction of a core; a spinning consumer
/// would use about a core per processor. The tests measure the CPU time of the whole process, so they run alone. (There is no spinning control case: on a shared
/// two-core machine the CPU a spinner gets depends on the neighbours, and the control would be flaky.)
/// </summary>
[Collection(NonParallelCollection.Name)]
public sealed class BlockingWaitStrategyIdleTests
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_idleBound = TimeSpan.FromMilliseconds(250);

    [Fact]
    public void Run_IdlePipelineWithBlockingStrategy_UsesAlmostNoCpu()
    {
        using EventPipeline<TestEvent> pipeline = StartDrainedPipeline(new BlockingWaitStrategy());

        TimeSpan cpu = MeasureProcessCpu(s_window);

        Assert.All(pipeline.Processors, p => Assert.True(p.IsRunning));
        Assert.True(cpu < s_idleBound, $"the idle pipeline used {cpu.TotalMilliseconds:F0} ms of CPU in {s_window.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void Run_IdlePipelineWithPhasedStrategy_UsesAlmostNoCpu()
    {
        using EventPipeline<TestEvent> pipeline = StartDrainedPipeline(new PhasedWaitStrategy());

        TimeSpan cpu = MeasureProcessCpu(s_window);

        Assert.All(pipeline.Processors, p => Assert.True(p.IsRunning));
        Assert.True(cpu < s_idleBound, $"the idle pipeline used {cpu.TotalMilliseconds:F0} ms of CPU in {s_window.TotalMilliseconds:F0} ms");
    }

    private static EventPipeline<TestEvent> StartDrainedPipeline(IWaitStrategy waitStrategy)
    {
        var builder = new PipelineBuilder<TestEvent>(64, () => new TestEvent(), ProducerType.Single, waitStrategy);
        builder.HandleWith(new RecordingHandler()).ThenInParallel(new RecordingHandler(), new RecordingHandler());
        EventPipeline<TestEvent> pipeline = builder.Build();
        pipeline.Start();
        TestPublisher.Publish(pipeline.RingBuffer, 200);
        Assert.True(pipeline.Drain(TestTimeouts.Default));
        return pipeline;
    }

    private static TimeSpan MeasureProcessCpu(TimeSpan window)
    {
        using Process self = Process.GetCurrentProcess();
        TimeSpan before = self.TotalProcessorTime;
        // The measurement window itself, not a wait for a condition.
        Thread.Sleep(window);
        self.Refresh();
        return self.TotalProcessorTime - before;
    }
}
