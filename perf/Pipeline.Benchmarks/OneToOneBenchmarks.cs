using System.Threading.Channels;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Pipeline.Core;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.Benchmarks;

/// <summary>
/// One producer (the benchmark thread) to one consumer thread. Each invocation publishes
/// <see cref="BenchmarkSizes.EventsPerInvoke"/> events and returns when the consumer has seen the last one.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("OneToOne")]
public class OneToOneBenchmarks
{
    private const int Events = BenchmarkSizes.EventsPerInvoke;
    private readonly CompletionSignal _signal = new();
    private EventPipeline<ValueEvent>? _pipeline;
    private RingBuffer<ValueEvent>? _ring;
    private HandRolledSpsc? _handRolled;
    private Channel<long>? _channel;
    private Task? _consumer;
    private long _written;

    [GlobalSetup(Target = nameof(Channel))]
    public void SetupChannel()
    {
        ProbeLog.Record("OneToOne.Channel");
        _channel = System.Threading.Channels.Channel.CreateBounded<long>(ChannelStages.Options(BenchmarkSizes.BufferSize, singleWriter: true));
        _consumer = Task.Run(() => ChannelStages.ConsumeAsync(_channel.Reader, _signal));
    }

    [GlobalSetup(Targets = [nameof(Ring_Yielding_Publish1), nameof(Ring_Yielding_Batch10), nameof(Ring_Yielding_Batch64)])]
    public void SetupYielding() => SetupRing("OneToOne.Ring_Yielding", new YieldingWaitStrategy());

    [GlobalSetup(Target = nameof(Ring_Blocking_Publish1))]
    public void SetupBlocking() => SetupRing("OneToOne.Ring_Blocking", new BlockingWaitStrategy());

    [GlobalSetup(Target = nameof(Ring_Phased_Publish1))]
    public void SetupPhased() => SetupRing("OneToOne.Ring_Phased", new PhasedWaitStrategy());

    [GlobalSetup(Target = nameof(Ring_BusySpin_Publish1))]
    public void SetupBusySpin() => SetupRing("OneToOne.Ring_BusySpin", new BusySpinWaitStrategy());

    [GlobalSetup(Target = nameof(HandRolledPadded_Yielding_Publish1))]
    public void SetupHandRolled()
    {
        ProbeLog.Record("OneToOne.HandRolledPadded");
        _handRolled = new HandRolledSpsc(BenchmarkSizes.BufferSize, _signal);
    }

    private void SetupRing(string name, IWaitStrategy waitStrategy)
    {
        ProbeLog.Record(name);
        var builder = new PipelineBuilder<ValueEvent>(BenchmarkSizes.BufferSize, null, ProducerType.Single, waitStrategy);
        builder.HandleWith(new SignallingSumHandler(_signal));
        _pipeline = builder.Build();
        _ring = _pipeline.RingBuffer;
        _pipeline.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline?.Halt(System.TimeSpan.FromSeconds(5));
        _handRolled?.Dispose();
        if (_channel is not null)
        {
            _channel.Writer.TryComplete();
            _consumer?.Wait(System.TimeSpan.FromSeconds(5));
        }

        _signal.Dispose();
        ProbeLog.Record(nameof(OneToOneBenchmarks), "cleanup");
    }

    /// <summary>Channels: the benchmark thread TryWrites (blocking on WriteAsync when full); a reader task drains.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void Channel()
    {
        ChannelWriter<long> writer = _channel!.Writer;
        _signal.Arm(_written + Events);
        long first = _written;
        for (long item = first; item < first + Events; item++)
        {
            ChannelStages.Write(writer, item);
        }

        _written += Events;
        _signal.Wait();
    }

    /// <summary>Ring, YieldingWaitStrategy, Next()/Publish(seq) per event.</summary>
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

    /// <summary>Ring, YieldingWaitStrategy, Next(64)/Publish(lo, hi).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_Yielding_Batch64()
    {
        _signal.Arm(_ring!.Cursor + Events);
        RingProducer.PublishInBatches(_ring, Events, 64);
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

    /// <summary>Ring, BusySpinWaitStrategy: 2 busy threads (producer + consumer) on 2 cores, one event at a time.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void Ring_BusySpin_Publish1()
    {
        _signal.Arm(_ring!.Cursor + Events);
        RingProducer.PublishOneAtATime(_ring, Events);
        _signal.Wait();
    }

    /// <summary>Reference, not the engine: a minimal hand-rolled SPSC ring with the same spin-then-yield wait.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void HandRolledPadded_Yielding_Publish1()
    {
        HandRolledSpsc ring = _handRolled!;
        long sequence = ring.Cursor;
        _signal.Arm(sequence + Events);
        for (int i = 0; i < Events; i++)
        {
            sequence = ring.Next();
            ring[sequence].Value = sequence;
            ring.Publish(sequence);
        }

        _signal.Wait();
    }
}
