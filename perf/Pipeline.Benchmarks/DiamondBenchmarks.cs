using System;
using System.Threading.Channels;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Pipeline.Core;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.Benchmarks;

/// <summary>
/// A diamond: A, then B and C in parallel, then D (4 handler threads + the producer on 2 cores). In the ring, B
/// and C both follow A and D follows both; in the Channels baseline A writes every item to two channels and D
/// reads one item from each branch per event.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Diamond")]
public class DiamondBenchmarks
{
    private const int Events = BenchmarkSizes.EventsPerInvoke;
    private readonly CompletionSignal _signal = new();
    private EventPipeline<DiamondEvent>? _pipeline;
    private RingBuffer<DiamondEvent>? _ring;
    private Channel<long>? _input;
    private Task[] _stages = [];
    private long _written;

    [GlobalSetup(Target = nameof(Channel))]
    public void SetupChannel()
    {
        ProbeLog.Record("Diamond.Channel");
        BoundedChannelOptions options = ChannelStages.Options(BenchmarkSizes.BufferSize, singleWriter: true);
        _input = System.Threading.Channels.Channel.CreateBounded<long>(options);
        Channel<long> toB = System.Threading.Channels.Channel.CreateBounded<long>(options);
        Channel<long> toC = System.Threading.Channels.Channel.CreateBounded<long>(options);
        Channel<long> fromB = System.Threading.Channels.Channel.CreateBounded<long>(options);
        Channel<long> fromC = System.Threading.Channels.Channel.CreateBounded<long>(options);
        ChannelReader<long> input = _input.Reader;
        _stages =
        [
            Task.Run(() => ChannelStages.FanOutAsync(input, toB.Writer, toC.Writer)),
            Task.Run(() => ChannelStages.BranchAsync(toB.Reader, fromB.Writer, 1)),
            Task.Run(() => ChannelStages.BranchAsync(toC.Reader, fromC.Writer, 2)),
            Task.Run(() => ChannelStages.JoinAsync(fromB.Reader, fromC.Reader, _signal)),
        ];
    }

    [GlobalSetup(Target = nameof(Ring_Yielding_Publish1))]
    public void SetupYielding()
    {
        ProbeLog.Record("Diamond.Ring_Yielding");
        var builder = new PipelineBuilder<DiamondEvent>(BenchmarkSizes.BufferSize, null, ProducerType.Single, new YieldingWaitStrategy());
        Stage<DiamondEvent> a = builder.HandleWith(new DiamondHeadHandler(), "A");
        Stage<DiamondEvent> bc = a.ThenInParallel(new DiamondBranchHandler(left: true), new DiamondBranchHandler(left: false));
        bc.Then(new DiamondJoinHandler(_signal), "D");
        _pipeline = builder.Build();
        _ring = _pipeline.RingBuffer;
        _pipeline.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline?.Halt(TimeSpan.FromSeconds(5));
        if (_input is not null)
        {
            _input.Writer.TryComplete();
            Task.WaitAll(_stages, TimeSpan.FromSeconds(5));
        }

        _signal.Dispose();
        ProbeLog.Record(nameof(DiamondBenchmarks), "cleanup");
    }

    /// <summary>Channels: A fans out to two channels, B and C forward, D joins one item from each.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void Channel()
    {
        ChannelWriter<long> writer = _input!.Writer;
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
}
