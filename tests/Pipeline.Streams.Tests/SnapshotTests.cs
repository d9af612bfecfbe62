using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace Pipeline.Streams.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public void Restore_AtRandomPoints_GivesTheOutputOfAnUninterruptedRun()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(5_000 + seed);
            long slide = random.Next(1, 6) * 10;
            long size = slide * random.Next(1, 4);
            long lateness = random.Next(0, 40);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(1, 300), 10);
            FlowPlan<Reading, WindowResult<long, double>> plan = Flow.Of<Reading>().KeyBy(r => r.Key)
                .Window(Windows.Sliding(size, slide), lateness).Average(r => r.Value);

            var whole = new RecordingSink<WindowResult<long, double>>();
            IFlow<Reading> uninterrupted = plan.Build(whole);
            WindowPropertyTests.Feed(uninterrupted, inputs);

            var pieces = new RecordingSink<WindowResult<long, double>>();
            IFlow<Reading> current = plan.Build(pieces);
            int position = 0;
            while (position < inputs.Count)
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
            Assert.Equal(uninterrupted.LateEventCount, current.LateEventCount);
            Assert.Equal(SnapshotOf(uninterrupted), SnapshotOf(current));
        }
    }

    [Fact]
    public void Restore_WithStringKeysAndCount_ContinuesTheOpenWindow()
    {
        FlowPlan<string, WindowResult<string, long>> plan = Flow.Of<string>().KeyBy(s => s).Window(Windows.Tumbling(10)).Count();
        IFlow<string> flow = plan.Build(new RecordingSink<WindowResult<string, long>>());
        flow.OnEvent("b", 1);
        flow.OnEvent("a", 2);
        flow.OnEvent("b", 3);
        byte[] snapshot = SnapshotOf(flow);
        var sink = new RecordingSink<WindowResult<string, long>>();
        IFlow<string> restored = plan.Build(sink);

        restored.Restore(snapshot);
        restored.OnEvent("a", 4);
        restored.OnTick(10);

        Assert.Equal(new[] { ("b", 2L), ("a", 2L) }, sink.Values.Select(r => (r.Key, r.Value)));
    }

    [Fact]
    public void Restore_FromAFlowWithAnotherWindow_Throws()
    {
        IFlow<long> source = Flow.Of<long>().Window(Windows.Tumbling(10)).Count().Build(new RecordingSink<WindowResult<GlobalKey, long>>());
        source.OnEvent(1, 1);
        IFlow<long> other = Flow.Of<long>().Window(Windows.Tumbling(20)).Count().Build(new RecordingSink<WindowResult<GlobalKey, long>>());

        Assert.Throws<InvalidDataException>(() => other.Restore(SnapshotOf(source)));
    }

    [Fact]
    public void Restore_OfATruncatedSnapshot_Throws()
    {
        FlowPlan<long, WindowResult<GlobalKey, long>> plan = Flow.Of<long>().Window(Windows.Tumbling(10)).Count();
        IFlow<long> source = plan.Build(new RecordingSink<WindowResult<GlobalKey, long>>());
        source.OnEvent(1, 1);
        byte[] snapshot = SnapshotOf(source);
        IFlow<long> target = plan.Build(new RecordingSink<WindowResult<GlobalKey, long>>());

        Assert.Throws<InvalidDataException>(() => target.Restore(snapshot.AsSpan(0, snapshot.Length - 1)));
    }

    [Fact]
    public void Snapshot_WithAKeyTypeWithoutSerializer_ThrowsNotSupported()
    {
        IFlow<Reading> flow = Flow.Of<Reading>().KeyBy(r => r).Window(Windows.Tumbling(10)).Count()
            .Build(new RecordingSink<WindowResult<Reading, long>>());

        Assert.Throws<NotSupportedException>(() => flow.Snapshot(new ArrayBufferWriter<byte>()));
    }

    private static byte[] SnapshotOf<T>(IFlow<T> flow)
    {
        var buffer = new ArrayBufferWriter<byte>();
        flow.Snapshot(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
