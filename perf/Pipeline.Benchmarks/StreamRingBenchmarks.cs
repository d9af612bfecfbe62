using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Pipeline.Core;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Pipeline.Streams;

namespace Pipeline.Benchmarks;

/// <summary>
/// Issue 17's stateless target as stated: ring -> filter -> map -> sum. The benchmark thread publishes into the ring
/// (yielding wait, batches of 64, as the OneToOne benchmarks); the consumer thread's handler feeds every entry to a
/// built flow (<c>Where</c> -> <c>Select</c> -> running <c>Sum</c>). Baseline: the same ring with the plain summing
/// handler, so the difference is what the flow costs on the consumer's core.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Streams")]
public class StreamRingBenchmarks
{
    private const int Events = BenchmarkSizes.EventsPerInvoke;
    private readonly CompletionSignal _signal = new();
    private EventPipeline<ValueEvent>? _pipeline;
    private RingBuffer<ValueEvent>? _ring;
    private StreamSink<double>? _sink;

    [GlobalSetup(Target = nameof(RingSum))]
    public void SetupSum() => Setup(builder => builder.HandleWith(new SignallingSumHandler(_signal)));

    [GlobalSetup(Target = nameof(RingFilterMapSum))]
    public void SetupFlow()
    {
        _sink = new StreamSink<double>();
        IFlow<long> flow = Flow.Of<long>().Where(x => (x & 3) != 0).Select(x => x * 0.5).Sum(x => x).Build(_sink);
        Setup(builder => builder.HandleWith(new FlowHandler(flow, _signal)));
    }

    private void Setup(System.Action<PipelineBuilder<ValueEvent>> handlers)
    {
        ProbeLog.Record("StreamRing");
        var builder = new PipelineBuilder<ValueEvent>(BenchmarkSizes.BufferSize, null, ProducerType.Single, new YieldingWaitStrategy());
        handlers(builder);
        _pipeline = builder.Build();
        _ring = _pipeline.RingBuffer;
        _pipeline.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline?.Halt(System.TimeSpan.FromSeconds(5));
        _signal.Dispose();
        ProbeLog.Record(nameof(StreamRingBenchmarks), "cleanup");
    }

    /// <summary>The ring alone: the consumer sums the values.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void RingSum()
    {
        _signal.Arm(_ring!.Cursor + Events);
        RingProducer.PublishInBatches(_ring, Events, 64);
        _signal.Wait();
    }

    /// <summary>The ring feeding the flow: every entry goes through filter -> map -> running sum.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void RingFilterMapSum()
    {
        _signal.Arm(_ring!.Cursor + Events);
        RingProducer.PublishInBatches(_ring, Events, 64);
        _signal.Wait();
    }

    private struct FlowHandler(IFlow<long> flow, CompletionSignal signal) : IEventHandler<ValueEvent>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void OnEvent(ref ValueEvent entry, long sequence, bool endOfBatch)
        {
            flow.OnEvent(entry.Value, sequence);
            if (sequence == signal.Target)
            {
                signal.Set();
            }
        }

        public readonly void OnBatchStart(long batchSize, long availableCount)
        {
        }

        public readonly void OnStart()
        {
        }

        public readonly void OnShutdown()
        {
        }

        public readonly void OnTimeout(long sequence)
        {
        }
    }
}
