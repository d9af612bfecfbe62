using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Pipeline.Streams.Hosting;
using Xunit;

namespace Pipeline.Streams.Tests.Hosting;

public sealed class StreamRunnerTests
{
    [Fact]
    public void Constructor_DuplicateNames_Throws()
    {
        var output = new RecordingOutput();
        Assert.Throws<ArgumentException>(() => new StreamRunner<Reading>(new[] { Sum("a", 10), Count("b", 10), Count("a", 20) }, output));
    }

    [Fact]
    public void Constructor_NameEqualToAnotherStreamsLateType_Throws()
    {
        var output = new RecordingOutput();
        Assert.Throws<ArgumentException>(() => new StreamRunner<Reading>(new[] { Count("a", 10), Count("a.late", 10) }, output));
        Assert.Throws<ArgumentException>(() => new StreamRunner<Reading>(new[] { Count("a.late", 10), Count("a", 10) }, output));
    }

    [Fact]
    public void Constructor_DistinctNames_StartsEveryStreamInOrder()
    {
        var runner = new StreamRunner<Reading>(new[] { Count("b", 10), Count("a", 10), Count("a.b", 10) }, new RecordingOutput());
        Assert.Equal(new[] { "b", "a", "a.b" }, runner.Streams.Select(s => s.Definition.Name));
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new StreamRunner<Reading>(null!, new RecordingOutput()));
        Assert.Throws<ArgumentNullException>(() => new StreamRunner<Reading>(new[] { Count("a", 10) }, null!));
    }

    [Fact]
    public void OnEvent_SeveralStreams_EachSeesEveryEventInOrder()
    {
        var output = new RecordingOutput();
        var runner = new StreamRunner<Reading>(new[] { Sum("sum", 10), Count("count", 10) }, output);
        runner.OnEvent(new Reading(1, 4), 1);
        runner.OnEvent(new Reading(1, 6), 2);
        runner.OnTick(10);

        Assert.Equal(new[] { "sum", "count" }, output.Results.Select(r => r.Stream));
        Assert.Equal(10.0, output.Results[0].Json.GetProperty("value").GetDouble());
        Assert.Equal(2, output.Results[1].Json.GetProperty("value").GetInt64());
    }

    [Fact]
    public void Restore_AtRandomPoints_GivesTheOutputOfAnUninterruptedRunner()
    {
        int records = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            var random = new Random(41_000 + seed);
            long slide = random.Next(1, 6) * 10;
            long size = slide * random.Next(1, 4);
            long lateness = random.Next(0, 40);
            int top = random.Next(1, 4);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(1, 300), 10);
            StreamDefinition<Reading>[] definitions = Definitions(size, slide, lateness, top);

            var whole = new RecordingOutput();
            var uninterrupted = new StreamRunner<Reading>(definitions, whole);
            Feed(uninterrupted, inputs);

            var pieces = new RecordingOutput();
            var current = new StreamRunner<Reading>(definitions, pieces);
            for (int position = 0; position < inputs.Count;)
            {
                int next = Math.Min(inputs.Count, position + random.Next(0, 60));
                Feed(current, inputs.Skip(position).Take(next - position));
                position = next;
                byte[] snapshot = SnapshotOf(current);
                current = new StreamRunner<Reading>(definitions, pieces);
                current.Restore(snapshot);
                Assert.Equal(snapshot, SnapshotOf(current));
            }

            string context = $"seed {seed}";
            Assert.True(whole.Records.Count == pieces.Records.Count, context);
            for (int i = 0; i < whole.Records.Count; i++)
            {
                OutputRecord expected = whole.Records[i];
                OutputRecord actual = pieces.Records[i];
                Assert.True(
                    expected.IsLate == actual.IsLate && expected.Stream == actual.Stream && expected.Key == actual.Key
                    && expected.WindowEnd == actual.WindowEnd && expected.Payload.AsSpan().SequenceEqual(actual.Payload),
                    $"{context}, record {i}");
            }

            Assert.Equal(uninterrupted.Streams.Select(s => s.LateEventCount), current.Streams.Select(s => s.LateEventCount));
            Assert.Equal(uninterrupted.HasPendingWindows, current.HasPendingWindows);
            Assert.Equal(SnapshotOf(uninterrupted), SnapshotOf(current));
            records += whole.Records.Count;
        }

        Assert.True(records > 1_000, $"{records} records");
    }

    [Fact]
    public void Restore_WrongMagic_ThrowsInvalidData()
    {
        byte[] snapshot = SampleSnapshot();
        snapshot[0] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => SampleRunner().Restore(snapshot));
    }

    [Fact]
    public void Restore_WrongFormatVersion_ThrowsInvalidData()
    {
        byte[] snapshot = SampleSnapshot();
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(4)));
        BinaryPrimitives.WriteInt32LittleEndian(snapshot.AsSpan(4), 2);
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => SampleRunner().Restore(snapshot));
        Assert.Contains("format 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_DifferentStreamCount_ThrowsInvalidData()
    {
        byte[] snapshot = SampleSnapshot();
        var fewer = new StreamRunner<Reading>(Definitions(20, 10, 5, 2).Take(2).ToArray(), new RecordingOutput());
        Assert.Throws<InvalidDataException>(() => fewer.Restore(snapshot));
        var more = new StreamRunner<Reading>(Definitions(20, 10, 5, 2).Append(Count("extra", 10)).ToArray(), new RecordingOutput());
        Assert.Throws<InvalidDataException>(() => more.Restore(snapshot));
    }

    [Fact]
    public void Restore_DifferentStreamName_ThrowsInvalidData()
    {
        byte[] snapshot = SampleSnapshot();
        StreamDefinition<Reading>[] definitions = Definitions(20, 10, 5, 2);
        definitions[1] = Count("renamed", 10);
        Assert.Throws<InvalidDataException>(() => new StreamRunner<Reading>(definitions, new RecordingOutput()).Restore(snapshot));

        StreamDefinition<Reading>[] reordered = Definitions(20, 10, 5, 2).Reverse().ToArray();
        Assert.Throws<InvalidDataException>(() => new StreamRunner<Reading>(reordered, new RecordingOutput()).Restore(snapshot));
    }

    [Fact]
    public void Restore_TruncatedState_ThrowsInvalidDataAtEveryLength()
    {
        byte[] snapshot = SampleSnapshot();
        SampleRunner().Restore(snapshot);
        for (int length = 0; length < snapshot.Length; length++)
        {
            byte[] truncated = snapshot[..length];
            Exception? error = Record.Exception(() => SampleRunner().Restore(truncated));
            Assert.True(error is InvalidDataException, $"length {length} of {snapshot.Length}: {error?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void Restore_TrailingBytes_ThrowsInvalidData()
    {
        byte[] snapshot = SampleSnapshot();
        Assert.Throws<InvalidDataException>(() => SampleRunner().Restore([.. snapshot, 0]));
        Assert.Throws<InvalidDataException>(() => SampleRunner().Restore([.. snapshot, .. snapshot]));
    }

    [Fact]
    public void Restore_OwnSnapshot_ContinuesWithTheSameResults()
    {
        var output = new RecordingOutput();
        StreamRunner<Reading> runner = SampleRunner(output);
        byte[] snapshot = SnapshotOf(runner);
        var restoredOutput = new RecordingOutput();
        var restored = new StreamRunner<Reading>(Definitions(20, 10, 5, 2), restoredOutput);
        restored.Restore(snapshot);

        runner.OnTick(10_000);
        restored.OnTick(10_000);

        Assert.NotEmpty(restoredOutput.Results);
        Assert.Equal(
            output.Records.Skip(output.Records.Count - restoredOutput.Records.Count).Select(r => Convert.ToBase64String(r.Payload)),
            restoredOutput.Records.Select(r => Convert.ToBase64String(r.Payload)));
    }

    private static StreamRunner<Reading> SampleRunner(RecordingOutput? output = null)
    {
        var runner = new StreamRunner<Reading>(Definitions(20, 10, 5, 2), output ?? new RecordingOutput());
        runner.OnEvent(new Reading(1, 3), 100);
        runner.OnEvent(new Reading(2, 4), 104);
        runner.OnEvent(new Reading(1, 5), 131);
        runner.OnEvent(new Reading(3, 1), 90);
        runner.OnEvent(new Reading(2, 2), 133);
        return runner;
    }

    private static byte[] SampleSnapshot() => SnapshotOf(SampleRunner());

    private static StreamDefinition<Reading>[] Definitions(long size, long slide, long lateness, int top) =>
    [
        StreamDefinitions.Windowed<Reading, Reading, long, double>(
            "averages",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Sliding(size, slide), lateness, lateSink: late).Average(r => r.Value),
            static (Utf8JsonWriter writer, in double value) => writer.WriteNumberValue(value),
            writeLate: static (Utf8JsonWriter writer, in Reading value) =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("key"u8, value.Key);
                writer.WriteNumber("value"u8, value.Value);
                writer.WriteEndObject();
            }),
        StreamDefinitions.Windowed<Reading, Reading, GlobalKey, long>(
            "global",
            late => Flow.Of<Reading>().Window(Windows.Tumbling(size), lateness, LatePolicy.Correct, late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value)),
        StreamDefinitions.Windowed<Reading, Reading, long, long>(
            "top",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(slide), lateness, lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value),
            top: top,
            rank: static (a, b) => b.CompareTo(a)),
    ];

    private static StreamDefinition<Reading> Count(string name, long size) =>
        StreamDefinitions.Windowed<Reading, Reading, long, long>(
            name,
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(size), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));

    private static StreamDefinition<Reading> Sum(string name, long size) =>
        StreamDefinitions.Windowed<Reading, Reading, long, double>(
            name,
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(size), lateSink: late).Sum(r => r.Value),
            static (Utf8JsonWriter writer, in double value) => writer.WriteNumberValue(value));

    private static void Feed(StreamRunner<Reading> runner, IEnumerable<StreamInput> inputs)
    {
        foreach (StreamInput input in inputs)
        {
            if (input.IsTick)
            {
                runner.OnTick(input.Time);
            }
            else
            {
                runner.OnEvent(new Reading(input.Key, input.Value), input.Time);
            }
        }
    }

    private static byte[] SnapshotOf(StreamRunner<Reading> runner)
    {
        var buffer = new ArrayBufferWriter<byte>();
        runner.Snapshot(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
