using System;
using System.Diagnostics;
using Pipeline.Core;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.LatencyHarness;

/// <summary>One producer (the harness thread) into a single-producer ring, one processor thread recording latency.</summary>
internal abstract class RingOneToOneScenario : ILatencyScenario
{
    public const int BufferSize = 1 << 16;
    private EventPipeline<LatencyEvent>? _pipeline;
    private RingBuffer<LatencyEvent>? _ring;

    public string Name => GetType().Name;

    public abstract string Threads { get; }

    protected abstract IWaitStrategy CreateWaitStrategy();

    public void Start(LatencyRecorder recorder)
    {
        var builder = new PipelineBuilder<LatencyEvent>(BufferSize, null, ProducerType.Single, CreateWaitStrategy());
        builder.HandleWith(new LatencyRecordingHandler(recorder), "latency");
        _pipeline = builder.Build();
        _ring = _pipeline.RingBuffer;
        _pipeline.Start();
    }

    public void Publish(long intendedTicks)
    {
        RingBuffer<LatencyEvent> ring = _ring!;
        long sendTicks = Stopwatch.GetTimestamp();
        long sequence = ring.Next();
        ref LatencyEvent entry = ref ring[sequence];
        entry.SendTicks = sendTicks;
        entry.IntendedTicks = intendedTicks;
        ring.Publish(sequence);
    }

    public void Dispose()
    {
        _pipeline?.Halt(TimeSpan.FromSeconds(5));
        GC.SuppressFinalize(this);
    }
}
