using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Pipeline.Streams.Tests;

/// <summary>Random streams against <see cref="WindowReference"/>: same results, same order, same late events.</summary>
public sealed class WindowPropertyTests
{
    private const int Seeds = 150;

    public static TheoryData<string> Aggregates => new() { "count", "sum", "min", "max", "average" };

    [Theory]
    [MemberData(nameof(Aggregates))]
    public void KeyedWindows_OnRandomStreams_MatchTheBruteForceReference(string aggregate)
    {
        int results = 0;
        int lateEvents = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(seed);
            long slide = random.Next(1, 8) * 10;
            long size = random.Next(3) == 0 ? slide : slide + random.Next(0, 30) * 5;
            long lateness = random.Next(3) == 0 ? 0 : random.Next(0, 60);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(0, 400), 10);

            var sink = new RecordingSink<WindowResult<long, double>>();
            var lateSink = new RecordingSink<Reading>();
            IFlow<Reading> flow = Build(aggregate, Flow.Of<Reading>().KeyBy(r => r.Key)
                .Window(Windows.Sliding(size, slide), lateness, lateSink: lateSink), sink);
            Feed(flow, inputs);
            var (expected, expectedLate) = WindowReference.Run(inputs, size, slide, lateness, Reference(aggregate));

            string context = $"seed {seed}, size {size}, slide {slide}, lateness {lateness}";
            Assert.True(expected.SequenceEqual(sink.Values), context);
            Assert.True(expectedLate.SequenceEqual(lateSink.Times), context);
            Assert.Equal(expectedLate.Count, flow.LateEventCount);
            results += expected.Count;
            lateEvents += expectedLate.Count;
        }

        // The generator must exercise both outputs, or the comparison above proves little.
        Assert.True(results > 1_000, $"{results} window results");
        Assert.True(lateEvents > 100, $"{lateEvents} late events");
    }

    [Fact]
    public void GlobalTumblingWindows_OnRandomStreams_MatchTheBruteForceReference()
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(1_000 + seed);
            long size = random.Next(1, 10) * 7;
            long lateness = random.Next(0, 30);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(0, 300), 10);
            var sink = new RecordingSink<WindowResult<GlobalKey, double>>();
            IFlow<Reading> flow = Flow.Of<Reading>().Window(Windows.Tumbling(size), lateness).Sum(r => r.Value).Build(sink);

            Feed(flow, inputs);
            var global = inputs.Select(i => i with { Key = 0 }).ToList();
            var (expected, expectedLate) = WindowReference.Run(global, size, size, lateness, v => v.Sum());

            var actual = sink.Values.Select(r => new WindowResult<long, double>(0, r.Start, r.End, r.Value));
            Assert.True(expected.SequenceEqual(actual), $"seed {seed}");
            Assert.Equal(expectedLate.Count, flow.LateEventCount);
        }
    }

    internal static void Feed(IFlow<Reading> flow, IEnumerable<StreamInput> inputs)
    {
        foreach (StreamInput input in inputs)
        {
            if (input.IsTick)
            {
                flow.OnTick(input.Time);
            }
            else
            {
                flow.OnEvent(new Reading(input.Key, input.Value), input.Time);
            }
        }
    }

    private static IFlow<Reading> Build(
        string aggregate, WindowedFlow<Reading, long, Reading> windowed, ISink<WindowResult<long, double>> sink) =>
        aggregate switch
        {
            "count" => windowed.Aggregate(new CountAsDouble()).Build(sink),
            "sum" => windowed.Sum(r => r.Value).Build(sink),
            "min" => windowed.Min(r => r.Value).Build(sink),
            "max" => windowed.Max(r => r.Value).Build(sink),
            "average" => windowed.Average(r => r.Value).Build(sink),
            _ => throw new ArgumentOutOfRangeException(nameof(aggregate)),
        };

    private static Func<IReadOnlyList<long>, double> Reference(string aggregate) =>
        aggregate switch
        {
            "count" => v => v.Count,
            "sum" => v => v.Sum(),
            "min" => v => v.Min(),
            "max" => v => v.Max(),
            "average" => v => (double)v.Sum() / v.Count,
            _ => throw new ArgumentOutOfRangeException(nameof(aggregate)),
        };
}
