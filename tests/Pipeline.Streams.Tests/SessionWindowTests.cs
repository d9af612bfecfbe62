using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Pipeline.Streams.Tests;

public sealed class SessionWindowTests
{
    [Fact]
    public void Sessions_OnRandomStreams_MatchTheBruteForceReference()
    {
        int results = 0;
        for (int seed = 0; seed < 150; seed++)
        {
            var random = new Random(20_000 + seed);
            long gap = random.Next(1, 40);
            long lateness = random.Next(0, 40);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(0, 300), 10);
            var sink = new RecordingSink<WindowResult<long, double>>();
            var lateSink = new RecordingSink<Reading>();
            IFlow<Reading> flow = Flow.Of<Reading>().KeyBy(r => r.Key)
                .Window(Windows.Session(gap), lateness, lateSink: lateSink).Sum(r => r.Value).Build(sink);

            WindowPropertyTests.Feed(flow, inputs);
            var (expected, expectedLate) = SessionReference.Run(inputs, gap, lateness);

            Assert.Equal(expected, sink.Values);
            Assert.True(expectedLate.SequenceEqual(lateSink.Times), $"seed {seed}");
            results += expected.Count;
        }

        Assert.True(results > 1_000, $"{results} sessions");
    }

    [Fact]
    public void OnEvent_BetweenTwoSessions_MergesThem()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        IFlow<long> flow = Flow.Of<long>().Window(Windows.Session(10), lateness: 20).Count().Build(sink);
        flow.OnEvent(1, 0);
        flow.OnEvent(1, 15);

        flow.OnEvent(1, 8);
        flow.OnTick(100);

        WindowResult<GlobalKey, long> session = Assert.Single(sink.Values);
        Assert.Equal((0L, 25L, 3L), (session.Start, session.End, session.Value));
    }

    [Fact]
    public void Sessions_SnapshotAtRandomPoints_GiveTheOutputOfAnUninterruptedRun()
    {
        for (int seed = 0; seed < 100; seed++)
        {
            var random = new Random(30_000 + seed);
            long gap = random.Next(1, 40);
            long lateness = random.Next(0, 40);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(1, 300), 10);
            FlowPlan<Reading, WindowResult<long, double>> plan = Flow.Of<Reading>().KeyBy(r => r.Key)
                .Window(Windows.Session(gap), lateness).Average(r => r.Value);
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

    [Fact]
    public void Window_SessionWithCorrect_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => Flow.Of<long>().Window(Windows.Session(10), late: LatePolicy.Correct));
    }
}
