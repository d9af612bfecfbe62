using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Pipeline.Streams.Hosting;
using Xunit;

namespace Pipeline.Streams.Tests.Hosting;

public sealed class TopListTests
{
    [Fact]
    public void Top_OnRandomStreams_MatchesTheBruteForceReference()
    {
        int windows = 0;
        int truncated = 0;
        for (int seed = 0; seed < 150; seed++)
        {
            var random = new Random(31_000 + seed);
            long size = random.Next(1, 6) * 10;
            long lateness = random.Next(0, 30);
            int keys = random.Next(1, 40);
            int top = random.Next(1, 8);
            List<StreamInput> inputs = RandomStreams.Generate(random, random.Next(0, 400), 10)
                .Select(i => i.IsTick ? i : StreamInput.Event(i.Time, random.Next(keys), i.Value))
                .ToList();
            var output = new RecordingOutput();
            RunningStream<Reading> running = TopCount(top, size, lateness).Start(output);
            Feed(running, inputs);

            var (reference, late) = WindowReference.Run(inputs, size, size, lateness, values => values.Count);
            var expected = reference.GroupBy(r => r.Start)
                .Select(g => (Start: g.Key, Top: g.OrderByDescending(r => r.Value).Take(top).Select(r => (r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), (long)r.Value)).ToList()))
                .ToList();

            string context = $"seed {seed}, size {size}, lateness {lateness}, keys {keys}, top {top}";
            Assert.True(expected.Count == output.Results.Count, context);
            for (int i = 0; i < expected.Count; i++)
            {
                OutputRecord record = output.Results[i];
                JsonElement json = record.Json;
                Assert.Null(record.Key);
                Assert.Equal(expected[i].Start + size, record.WindowEnd);
                Assert.Equal(expected[i].Start, json.GetProperty("start").ValueKind == JsonValueKind.Number
                    ? json.GetProperty("start").GetInt64() : RecordingOutput.Ticks(json.GetProperty("start")));
                Assert.Equal(0, json.GetProperty("revision").GetInt32());
                var actual = json.GetProperty("top").EnumerateArray()
                    .Select(e => (e.GetProperty("key").GetString()!, e.GetProperty("value").GetInt64()))
                    .ToList();
                Assert.True(expected[i].Top.SequenceEqual(actual), $"{context}, window {expected[i].Start}: expected {string.Join(",", expected[i].Top)} got {string.Join(",", actual)}");
                windows++;
                if (reference.Count(r => r.Start == expected[i].Start) > top)
                {
                    truncated++;
                }
            }

            Assert.Equal(late.Count, running.LateEventCount);
        }

        Assert.True(windows > 500, $"{windows} windows");
        Assert.True(truncated > 100, $"{truncated} windows with more keys than the top");
    }

    [Fact]
    public void Top_TiesOnCount_KeepTheKeyFirstSeenInTheWindow()
    {
        var output = new RecordingOutput();
        RunningStream<Reading> running = TopCount(2, 10, 0).Start(output);

        // Previous window: key 9 first, so arrival order there must not leak into the next window.
        running.OnEvent(new Reading(9, 0), 1);
        running.OnEvent(new Reading(5, 0), 2);
        running.OnEvent(new Reading(3, 0), 11);
        running.OnEvent(new Reading(5, 0), 12);
        running.OnEvent(new Reading(9, 0), 13);
        running.OnEvent(new Reading(9, 0), 14);
        running.OnEvent(new Reading(5, 0), 15);
        running.OnEvent(new Reading(3, 0), 16);
        running.OnTick(20);

        // Window [10, 20): 3, 5 and 9 all twice; 3 was seen first, then 5.
        Assert.Equal(2, output.Results.Count);
        Assert.Equal(new[] { ("9", 1L), ("5", 1L) }, TopOf(output.Results[0]));
        Assert.Equal(new[] { ("3", 2L), ("5", 2L) }, TopOf(output.Results[1]));
    }

    [Fact]
    public void Top_OneTickClosesSeveralWindows_OneTopListPerWindowInEndOrder()
    {
        var output = new RecordingOutput();
        RunningStream<Reading> running = TopCount(2, 10, 50).Start(output);

        // With lateness 50 nothing closes until the tick: then [0,10), [10,20) and [20,30) close together.
        running.OnEvent(new Reading(1, 0), 1);
        running.OnEvent(new Reading(2, 0), 2);
        running.OnEvent(new Reading(2, 0), 3);
        running.OnEvent(new Reading(3, 0), 4);
        running.OnEvent(new Reading(4, 0), 11);
        running.OnEvent(new Reading(5, 0), 22);
        running.OnEvent(new Reading(6, 0), 23);
        running.OnEvent(new Reading(6, 0), 24);
        running.OnEvent(new Reading(5, 0), 25);
        running.OnEvent(new Reading(6, 0), 26);
        Assert.Empty(output.Records);

        running.OnTick(30 + 50);

        Assert.Equal(3, output.Results.Count);
        Assert.Equal(new[] { 10L, 20L, 30L }, output.Results.Select(r => r.WindowEnd));
        Assert.All(output.Results, r => Assert.Null(r.Key));
        Assert.Equal(new[] { ("2", 2L), ("1", 1L) }, TopOf(output.Results[0]));
        Assert.Equal(new[] { ("4", 1L) }, TopOf(output.Results[1]));
        Assert.Equal(new[] { ("6", 3L), ("5", 2L) }, TopOf(output.Results[2]));
        Assert.Equal(new[] { 0L, 10L, 20L }, output.Results.Select(r => RecordingOutput.Ticks(r.Json.GetProperty("start"))));
        Assert.Equal(new[] { "start", "end", "revision", "top" }, RecordingOutput.PropertyNames(output.Results[0].Json));
    }

    internal static StreamDefinition<Reading> TopCount(int top, long size, long lateness) =>
        StreamDefinitions.Windowed<Reading, Reading, long, long>(
            "top",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(size), lateness, lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value),
            top: top,
            rank: static (a, b) => b.CompareTo(a));

    internal static void Feed(RunningStream<Reading> running, IEnumerable<StreamInput> inputs)
    {
        foreach (StreamInput input in inputs)
        {
            if (input.IsTick)
            {
                running.OnTick(input.Time);
            }
            else
            {
                running.OnEvent(new Reading(input.Key, input.Value), input.Time);
            }
        }
    }

    private static List<(string, long)> TopOf(OutputRecord record) =>
        record.Json.GetProperty("top").EnumerateArray()
            .Select(e => (e.GetProperty("key").GetString()!, e.GetProperty("value").GetInt64()))
            .ToList();
}
