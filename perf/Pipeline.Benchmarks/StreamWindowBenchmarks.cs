using System;
using BenchmarkDotNet.Attributes;
using Pipeline.Streams;

namespace Pipeline.Benchmarks;

/// <summary>
/// Issue 17's stateful target: a sliding 10 s / 5 s average keyed by 10,000 keys, per event, single-threaded, in
/// process. Event time advances 10 us (100 .NET ticks) per event, so an invocation of a million events spans 10 s and
/// closes two windows (20,000 results, each a merge of two panes); time keeps advancing across invocations, so
/// every measured invocation is steady state (all keys and panes exist). Baseline: the same events into a global
/// tumbling count, the cheapest window.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Streams")]
public class StreamWindowBenchmarks
{
    private const int Events = 1_000_000;
    private const int Keys = 10_000;
    private const long TicksPerEvent = 100;

    private readonly StreamReading[] _events = new StreamReading[Events];
    private IFlow<StreamReading> _sliding = null!;
    private IFlow<StreamReading> _tumbling = null!;
    private long _slidingTime;
    private long _tumblingTime;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(17);
        for (int i = 0; i < Events; i++)
        {
            _events[i] = new StreamReading(random.Next(Keys), random.Next(1000));
        }

        _sliding = Flow.Of<StreamReading>().KeyBy(r => r.Key)
            .Window(Windows.Sliding(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5))).Average(r => r.Value)
            .Build(new StreamSink<WindowResult<long, double>>());
        _tumbling = Flow.Of<StreamReading>().Window(Windows.Tumbling(TimeSpan.FromSeconds(5))).Count()
            .Build(new StreamSink<WindowResult<GlobalKey, long>>());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public long GlobalTumblingCount() => Feed(_tumbling, ref _tumblingTime);

    [Benchmark(OperationsPerInvoke = Events)]
    public long KeyedSlidingAverage_10kKeys() => Feed(_sliding, ref _slidingTime);

    private long Feed(IFlow<StreamReading> flow, ref long time)
    {
        StreamReading[] events = _events;
        long t = time;
        for (int i = 0; i < events.Length; i++)
        {
            flow.OnEvent(events[i], t);
            t += TicksPerEvent;
        }

        time = t;
        return t;
    }
}
