using System;
using System.Threading.Channels;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Pipeline.Core;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.Benchmarks;

/// <summary>
/// Two producers (the benchmark thread and a second thread, half of the events each) into one consumer: the
/// ring uses the multi-producer sequencer, the Channels baseline a bounded channel with SingleWriter = false.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("TwoToOne")]
public class TwoToOneBenchmarks
{
    private const int Events = BenchmarkSizes.EventsPerInvoke;
    private const int Half = Events / 2;
    private readonly CompletionSignal _signal = new();
    private EventPipeline<ValueEvent>? _pipeline;
    private RingBuffer<ValueEvent>? _ring;
    private Channel<long>? _channel;
    private Task? _consumer;
    private SecondProducer? _second;
    private long _written;

    [GlobalSetup(Target = nameof(Channel))]
    public void SetupChannel()
    {
        ProbeLog.Record("TwoToOne.Channel");
        _channel = System.Threading.Channels.Channel.CreateBounded<long>(ChannelStages.Options(BenchmarkSizes.BufferSize, singleWriter: false));
        _consumer = Task.Run(() => ChannelStages.ConsumeAsync(_channel.Reader, _signal));
        ChannelWriter<long> writer = _channel.Writer;
        _second = new SecondProducer(() =>
        {
            for (long item = 0; item < Half; item++)
            {
                ChannelStages.Write(writer, item);
            }
        });
    }

    [GlobalSetup(Target = nameof(Ring_Yielding_Publish1))]
    public void SetupYieldingPublish1()
    {
        RingBuffer<ValueEvent> ring = SetupRing("TwoToOne.Ring_Yielding_Publish1");
        _second = new SecondProducer(() => RingProducer.PublishOneAtATime(ring, Half));
    }

    [GlobalSetup(Target = nameof(Ring_Yielding_Batch10))]
    public void SetupYieldingBatch10()
    {
        RingBuffer<ValueEvent> ring = SetupRing("TwoToOne.Ring_Yielding_Batch10");
        _second = new SecondProducer(() => RingProducer.PublishInBatches(ring, Half, 10));
    }

    private RingBuffer<ValueEvent> SetupRing(string name)
    {
        ProbeLog.Record(name);
        var builder = new PipelineBuilder<ValueEvent>(BenchmarkSizes.BufferSize, null, ProducerType.Multi, new YieldingWaitStrategy());
        builder.HandleWith(new SignallingSumHandler(_signal));
        _pipeline = builder.Build();
        _ring = _pipeline.RingBuffer;
        _pipeline.Start();
        return _ring;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _second?.Dispose();
        _pipeline?.Halt(TimeSpan.FromSeconds(5));
        if (_channel is not null)
        {
            _channel.Writer.TryComplete();
            _consumer?.Wait(TimeSpan.FromSeconds(5));
        }

        _signal.Dispose();
        ProbeLog.Record(nameof(TwoToOneBenchmarks), "cleanup");
    }

    /// <summary>Channels: two threads TryWrite into one bounded channel (SingleWriter = false); one reader task.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void Channel()
    {
        _signal.Arm(_written + Events);
        _second!.Go();
        ChannelWriter<long> writer = _channel!.Writer;
        for (long item = 0; item < Half; item++)
        {
            ChannelStages.Write(writer, item);
        }

        _written += Events;
        _signal.Wait();
    }

    /// <summary>Ring (multi-producer sequencer), YieldingWaitStrategy, each producer one event at a time.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_Yielding_Publish1()
    {
        _signal.Arm(_ring!.Cursor + Events);
        _second!.Go();
        RingProducer.PublishOneAtATime(_ring, Half);
        _signal.Wait();
    }

    /// <summary>Ring (multi-producer sequencer), YieldingWaitStrategy, each producer Next(10)/Publish(lo, hi).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_Yielding_Batch10()
    {
        _signal.Arm(_ring!.Cursor + Events);
        _second!.Go();
        RingProducer.PublishInBatches(_ring, Half, 10);
        _signal.Wait();
    }
}
