using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Pipeline.Core;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;

namespace Pipeline.Benchmarks;

/// <summary>
/// Single-threaded cost of the hot-path calls, with no second core involved (so no cache-line handoff): what
/// the engine's layers cost in instructions. The ring has no gating consumer, so claims never wait. Compare
/// RingBuffer (abstract Sequencer: virtual Next/Publish) with the sealed sequencer called directly and with the
/// hand-rolled minimum; WaitFor adds the consumer barrier's per-batch cost (one event per batch, the worst case).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("HotPath")]
public class HotPathBenchmarks
{
    private const int Events = BenchmarkSizes.EventsPerInvoke;
    private Channel<long>? _channel;
    private RingBuffer<ValueEvent>? _ring;
    private SingleProducerSequencer? _sequencer;
    private SequenceBarrier? _barrier;
    private ValueEvent[] _entries = [];
    private Sequence? _published;
    private long _claimed = Sequence.InitialValue;

    [GlobalSetup]
    public void Setup()
    {
        ProbeLog.Record("HotPath");
        _channel = System.Threading.Channels.Channel.CreateBounded<long>(ChannelStages.Options(BenchmarkSizes.BufferSize, singleWriter: true));
        _sequencer = new SingleProducerSequencer(BenchmarkSizes.BufferSize, new YieldingWaitStrategy());
        _ring = new RingBuffer<ValueEvent>(_sequencer);
        _barrier = _ring.NewBarrier();
        _entries = new ValueEvent[BenchmarkSizes.BufferSize];
        _published = new Sequence();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _barrier?.Dispose();
        ProbeLog.Record(nameof(HotPathBenchmarks), "cleanup");
    }

    /// <summary>Channels, one thread: TryWrite then TryRead per event.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public long Channel_WriteRead()
    {
        ChannelWriter<long> writer = _channel!.Writer;
        ChannelReader<long> reader = _channel.Reader;
        long sum = 0;
        for (long i = 0; i < Events; i++)
        {
            writer.TryWrite(i);
            reader.TryRead(out long item);
            sum += item;
        }

        return sum;
    }

    /// <summary>RingBuffer.Next() / indexer / Publish(seq): the producer path as the benchmarks use it.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long Ring_NextPublish()
    {
        RingBuffer<ValueEvent> ring = _ring!;
        long sequence = 0;
        for (int i = 0; i < Events; i++)
        {
            sequence = ring.Next();
            ring[sequence].Value = sequence;
            ring.Publish(sequence);
        }

        return sequence;
    }

    /// <summary>The same through the sealed SingleProducerSequencer (no virtual call) and a plain array.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long Sequencer_NextPublish_Sealed()
    {
        SingleProducerSequencer sequencer = _sequencer!;
        ValueEvent[] entries = _entries;
        long sequence = 0;
        for (int i = 0; i < Events; i++)
        {
            sequence = sequencer.Next(1);
            entries[(int)sequence & (entries.Length - 1)].Value = sequence;
            sequencer.Publish(sequence);
        }

        return sequence;
    }

    /// <summary>Hand-rolled minimum: a claimed counter, a plain array, one release store.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long HandRolled_NextPublish()
    {
        ValueEvent[] entries = _entries;
        Sequence published = _published!;
        long sequence = _claimed;
        for (int i = 0; i < Events; i++)
        {
            sequence++;
            entries[(int)sequence & (entries.Length - 1)].Value = sequence;
            published.SetValue(sequence);
        }

        _claimed = sequence;
        return sequence;
    }

    /// <summary>Producer path plus the consumer's SequenceBarrier.WaitFor and entry read, one event per batch.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long Ring_NextPublishWaitFor()
    {
        RingBuffer<ValueEvent> ring = _ring!;
        SequenceBarrier barrier = _barrier!;
        long sum = 0;
        for (int i = 0; i < Events; i++)
        {
            long sequence = ring.Next();
            ring[sequence].Value = sequence;
            ring.Publish(sequence);
            long available = barrier.WaitFor(sequence);
            sum += ring[available].Value;
        }

        return sum;
    }
}
