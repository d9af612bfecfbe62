using System;
using System.Threading.Channels;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Pipeline.Core;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.Benchmarks;

/// <summary>
/// One producer through three sequenced stages (h1 then h2 then h3, each on its own thread: 4 threads on this
/// 2-core machine). h1 and h2 add one to the entry in place, h3 sums; the Channels baseline chains three bounded
/// channels with three reader tasks that forward value + 1.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("ThreeStage")]
public class ThreeStageBenchmarks
{
    private const int Events = BenchmarkSizes.EventsPerInvoke;
    private readonly CompletionSignal _signal = new();
    private EventPipeline<ValueEvent>? _pipeline;
    private RingBuffer<ValueEvent>? _ring;
    private Channel<long>[] _channels = [];
    private Task[] _stages = [];
    private long _written;

    [GlobalSetup(Target = nameof(Channel))]
    public void SetupChannel()
    {
        ProbeLog.Record("ThreeStage.Channel");
        _channels = new Channel<long>[3];
        for (int i = 0; i < _channels.Length; i++)
        {
            _channels[i] = System.Threading.Channels.Channel.CreateBounded<long>(ChannelStages.Options(BenchmarkSizes.BufferSize, singleWriter: true));
        }

        _stages =
        [
            Task.Run(() => ChannelStages.ForwardAsync(_channels[0].Reader, _channels[1].Writer)),
            Task.Run(() => ChannelStages.ForwardAsync(_channels[1].Reader, _channels[2].Writer)),
            Task.Run(() => ChannelStages.ConsumeAsync(_channels[2].Reader, _signal)),
        ];
    }

    [GlobalSetup(Targets = [nameof(Ring_Yielding_Publish1), nameof(Ring_Yielding_Batch10)])]
    public void SetupYielding() => SetupRing("ThreeStage.Ring_Yielding", new YieldingWaitStrategy());

    [GlobalSetup(Target = nameof(Ring_Blocking_Publish1))]
    public void SetupBlocking() => SetupRing("ThreeStage.Ring_Blocking", new BlockingWaitStrategy());

    [GlobalSetup(Target = nameof(Ring_Phased_Publish1))]
    public void SetupPhased() => SetupRing("ThreeStage.Ring_Phased", new PhasedWaitStrategy());

    private void SetupRing(string name, IWaitStrategy waitStrategy)
    {
        ProbeLog.Record(name);
        var builder = new PipelineBuilder<ValueEvent>(BenchmarkSizes.BufferSize, null, ProducerType.Single, waitStrategy);
        builder.HandleWith(new IncrementHandler(), "h1")
            .Then(new IncrementHandler(), "h2")
            .Then(new SignallingSumHandler(_signal), "h3");
        _pipeline = builder.Build();
        _ring = _pipeline.RingBuffer;
        _pipeline.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline?.Halt(TimeSpan.FromSeconds(5));
        if (_channels.Length > 0)
        {
            _channels[0].Writer.TryComplete();
            Task.WaitAll(_stages, TimeSpan.FromSeconds(5));
        }

        _signal.Dispose();
        ProbeLog.Record(nameof(ThreeStageBenchmarks), "cleanup");
    }

    /// <summary>Channels: three chained bounded channels, three reader tasks.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void Channel()
    {
        ChannelWriter<long> writer = _channels[0].Writer;
        _signal.Arm(_written + Events);
        long first = _written;
        for (long item = first; item < first + Events; item++)
        {
            ChannelStages.Write(writer, item);
        }

        _written += Events;
        _signal.Wait();
    }

    /// <summary>Ring, YieldingWaitStrategy, one event at a time.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_Yielding_Publish1()
    {
        _signal.Arm(_ring!.Cursor + Events);
        RingProducer.PublishOneAtATime(_ring, Events);
        _signal.Wait();
    }

    /// <summary>Ring, YieldingWaitStrategy, Next(10)/Publish(lo, hi).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_Yielding_Batch10()
    {
        _signal.Arm(_ring!.Cursor + Events);
        RingProducer.PublishInBatches(_ring, Events, 10);
        _signal.Wait();
    }

    /// <summary>Ring, BlockingWaitStrategy (the builder's default), one event at a time.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_Blocking_Publish1()
    {
        _signal.Arm(_ring!.Cursor + Events);
        RingProducer.PublishOneAtATime(_ring, Events);
        _signal.Wait();
    }

    /// <summary>Ring, PhasedWaitStrategy (spin 100, yield 100 µs, then park), one event at a time.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_Phased_Publish1()
    {
        _signal.Arm(_ring!.Cursor + Events);
        RingProducer.PublishOneAtATime(_ring, Events);
        _signal.Wait();
    }
}
