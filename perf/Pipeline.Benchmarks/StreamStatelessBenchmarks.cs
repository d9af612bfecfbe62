using BenchmarkDotNet.Attributes;
using Pipeline.Streams;

namespace Pipeline.Benchmarks;

/// <summary>
/// Issue 17's stateless target: filter -> map -> running sum through a built <see cref="IFlow{T}"/>, per event,
/// single-threaded, in process (no ring: this measures the operator chain alone). Baseline: the same arithmetic
/// written as one loop, which is the floor any chain of operator objects is paying over.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Streams")]
public class StreamStatelessBenchmarks
{
    private const int Events = 1_000_000;

    private IFlow<long> _flow = null!;
    private StreamSink<double> _sink = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sink = new StreamSink<double>();
        _flow = Flow.Of<long>().Where(x => (x & 3) != 0).Select(x => x * 0.5).Sum(x => x).Build(_sink);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public double HandWrittenLoop()
    {
        double sum = 0;
        double last = 0;
        for (long i = 0; i < Events; i++)
        {
            if ((i & 3) != 0)
            {
                sum += i * 0.5;
                last = sum;
            }
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public long FilterMapSum()
    {
        IFlow<long> flow = _flow;
        for (long i = 0; i < Events; i++)
        {
            flow.OnEvent(i, i);
        }

        return _sink.Count;
    }
}
