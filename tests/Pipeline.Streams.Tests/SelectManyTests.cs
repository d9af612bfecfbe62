using System;
using System.Linq;
using Xunit;

namespace Pipeline.Streams.Tests;

public sealed class SelectManyTests
{
    // The seed's shape: a line of numbers becomes its numbers, each at the line's time.
    private static void Digits(in long value, IEmitter<long> emit)
    {
        for (long rest = value; rest > 0; rest /= 10)
        {
            emit.Emit(rest % 10);
        }
    }

    [Fact]
    public void SelectMany_WithAnEmitter_PassesEveryEmittedEventAtTheSourceEventsTime()
    {
        var sink = new RecordingSink<long>();
        IFlow<long> flow = Flow.Of<long>().SelectMany<long>(Digits).To().Build(sink);

        flow.OnEvent(123, 10);
        flow.OnEvent(0, 20); // emits nothing
        flow.OnEvent(45, 30);

        Assert.Equal(new[] { 3L, 2L, 1L, 5L, 4L }, sink.Values);
        Assert.Equal(new[] { 10L, 10L, 10L, 30L, 30L }, sink.Times);
    }

    [Fact]
    public void SelectMany_OverASequence_EqualsLinqSelectManyThenSum()
    {
        var random = new Random(5);
        string[] lines = [.. Enumerable.Range(0, 200).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(-50, 50))))];
        var sink = new RecordingSink<double>();
        IFlow<string> flow = Flow.Of<string>()
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(double.Parse))
            .Sum(x => x)
            .Build(sink);

        for (int i = 0; i < lines.Length; i++)
        {
            flow.OnEvent(lines[i], i);
        }

        double[] numbers = [.. lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(double.Parse)];
        Assert.Equal(numbers.Length, sink.Values.Count);
        Assert.Equal(numbers.Sum(), sink.Values[^1]);
    }

    [Fact]
    public void SelectMany_IntoAWindow_CountsTheExpandedEventsPerWindow()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        IFlow<long> flow = Flow.Of<long>().SelectMany<long>(Digits).Window(Windows.Tumbling(10)).Count().Build(sink);

        flow.OnEvent(111, 1);  // 3 digits in [0, 10)
        flow.OnEvent(22, 5);   // 2 more
        flow.OnEvent(3, 12);   // [10, 20); closes [0, 10)
        flow.OnTick(20);

        Assert.Equal(new[] { 5L, 1L }, sink.Values.Select(r => r.Value));
    }

    [Fact]
    public void SelectMany_WithAnEmitter_AllocatesNothingPerEvent()
    {
        var sink = new CountingSink<double>();
        IFlow<long> flow = Flow.Of<long>().SelectMany<long>(Digits).Where(d => d != 0).Sum(d => d).Build(sink);
        for (long i = 0; i < 1_000; i++)
        {
            flow.OnEvent(i, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long i = 1_000; i < 101_000; i++)
        {
            flow.OnEvent(i, i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sink.Count > 300_000, $"{sink.Count} events reached the sink");
    }

    [Fact]
    public void SelectMany_NullDelegate_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Flow.Of<long>().SelectMany<long>((FlatMap<long, long>)null!));
        Assert.Throws<ArgumentNullException>(() => Flow.Of<long>().SelectMany((Func<long, System.Collections.Generic.IEnumerable<long>>)null!));
    }
}
