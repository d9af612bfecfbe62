using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Pipeline.Streams.Tests;

public sealed class LateCorrectionTests
{
    [Fact]
    public void Correct_OnRandomStreams_MatchesTheBruteForceReference()
    {
        int corrections = 0;
        for (int seed = 0; seed < 150; seed++)
        {
            var random = new Random(9_000 + seed);
            long slide = random.Next(1, 6) * 10;
            long size = random.Next(3) == 0 ? slide : slide + random.Next(0, 20) * 5;
            long lateness = random.Next(0, 60);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(0, 300), 10);
            var sink = new RecordingSink<WindowResult<long, double>>();
            var lateSink = new RecordingSink<Reading>();
            IFlow<Reading> flow = Flow.Of<Reading>().KeyBy(r => r.Key)
                .Window(Windows.Sliding(size, slide), lateness, LatePolicy.Correct, lateSink).Sum(r => r.Value).Build(sink);

            WindowPropertyTests.Feed(flow, inputs);
            var (expected, expectedLate) = CorrectingReference.Run(inputs, size, slide, lateness);

            string context = $"seed {seed}, size {size}, slide {slide}, lateness {lateness}";
            Assert.Equal(expected, sink.Values);
            Assert.True(expectedLate.SequenceEqual(lateSink.Times), context);
            corrections += expected.Count(r => r.Revision > 0);
        }

        Assert.True(corrections > 100, $"{corrections} corrections");
    }

    [Fact]
    public void Correct_LateEventWithinLateness_ReemitsTheWindowWithTheNextRevision()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        IFlow<long> flow = Flow.Of<long>().Window(Windows.Tumbling(10), lateness: 5, late: LatePolicy.Correct).Count().Build(sink);
        flow.OnEvent(1, 5);
        flow.OnEvent(1, 12);

        flow.OnEvent(1, 8);
        flow.OnEvent(1, 9);
        flow.OnEvent(1, 20);
        flow.OnEvent(1, 9);

        Assert.Equal(
            new[] { (0L, 1L, 0), (0L, 2L, 1), (0L, 3L, 2), (10L, 1L, 0) },
            sink.Values.Select(r => (r.Start, r.Value, r.Revision)));
        Assert.Equal(1, flow.LateEventCount);
    }

    [Fact]
    public void Correct_SnapshotAtRandomPoints_GivesTheOutputOfAnUninterruptedRun()
    {
        for (int seed = 0; seed < 100; seed++)
        {
            var random = new Random(12_000 + seed);
            long slide = random.Next(1, 6) * 10;
            long size = slide * random.Next(1, 4);
            long lateness = random.Next(0, 50);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(1, 300), 10);
            FlowPlan<Reading, WindowResult<long, double>> plan = Flow.Of<Reading>().KeyBy(r => r.Key)
                .Window(Windows.Sliding(size, slide), lateness, LatePolicy.Correct).Sum(r => r.Value);
            var whole = new RecordingSink<WindowResult<long, double>>();
            WindowPropertyTests.Feed(plan.Build(whole), inputs);

            var pieces = new RecordingSink<WindowResult<long, double>>();
            IFlow<Reading> current = plan.Build(pieces);
            for (int position = 0; position < inputs.Count;)
            {
                int next = Math.Min(inputs.Count, position + random.Next(0, 60));
                WindowPropertyTests.Feed(current, inputs.Skip(position).Take(next - position));
                position = next;
                var buffer = new ArrayBufferWriter<byte>();
                current.Snapshot(buffer);
                current = plan.Build(pieces);
                current.Restore(buffer.WrittenSpan);
            }

            Assert.True(whole.Values.SequenceEqual(pieces.Values), $"seed {seed}");
        }
    }
}
