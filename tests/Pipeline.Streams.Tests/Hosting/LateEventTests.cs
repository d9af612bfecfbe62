using System;
using System.Linq;
using System.Text.Json;
using Pipeline.Streams.Hosting;
using Xunit;

namespace Pipeline.Streams.Tests.Hosting;

public sealed class LateEventTests
{
    private static readonly long Base = new DateTime(2025, 6, 30, 23, 59, 0, DateTimeKind.Utc).Ticks;

    [Fact]
    public void Late_WithWriteLate_WritesTimeAndEvent()
    {
        var output = new RecordingOutput();
        RunningStream<Stamped> running = Definition(writeLate: true).Start(output);

        // The time passed with each event is ignored: the flow reads it from the event.
        running.OnEvent(new Stamped("a", Base + 100), eventTime: 7);
        running.OnEvent(new Stamped("a", Base + 120), eventTime: 7);

        // Watermark Base+115: [100, 110) has closed, [110, 120) has not.
        OutputRecord closed = Assert.Single(output.Records);
        Assert.False(closed.IsLate);
        Assert.Equal(Base + 110, closed.WindowEnd);

        running.OnEvent(new Stamped("b", Base + 105), eventTime: 7);
        running.OnEvent(new Stamped("c", Base + 112), eventTime: 7);

        OutputRecord late = Assert.Single(output.LateEvents);
        Assert.Equal("stamped", late.Stream);
        JsonElement json = late.Json;
        Assert.Equal(new[] { "time", "event" }, RecordingOutput.PropertyNames(json));
        Assert.Equal(Base + 105, RecordingOutput.Ticks(json.GetProperty("time")));
        Assert.Equal("b", json.GetProperty("event").GetProperty("name").GetString());
        Assert.Equal(Base + 105, json.GetProperty("event").GetProperty("ticks").GetInt64());
        Assert.Equal(1, running.LateEventCount);

        // The accepted event at 112 is counted in [110, 120) with the one at 120's window untouched.
        running.OnTick(Base + 125);
        OutputRecord[] results = output.Results.Skip(1).ToArray();
        Assert.Equal(new[] { "c" }, results.Select(r => r.Key));
        Assert.Equal(1, results[0].Json.GetProperty("value").GetInt64());
    }

    [Fact]
    public void Late_WithoutWriteLate_WritesTimeOnly()
    {
        var output = new RecordingOutput();
        RunningStream<Stamped> running = Definition(writeLate: false).Start(output);

        running.OnEvent(new Stamped("a", Base + 100), eventTime: 0);
        running.OnEvent(new Stamped("a", Base + 200), eventTime: 0);
        running.OnEvent(new Stamped("b", Base + 109), eventTime: 0);
        running.OnEvent(new Stamped("b", Base + 99), eventTime: 0);

        Assert.Equal(2, output.LateEvents.Count);
        Assert.All(output.LateEvents, r => Assert.Equal(new[] { "time" }, RecordingOutput.PropertyNames(r.Json)));
        Assert.Equal(new[] { Base + 109, Base + 99 }, output.LateEvents.Select(r => RecordingOutput.Ticks(r.Json.GetProperty("time"))));
        Assert.Equal(2, running.LateEventCount);
    }

    [Fact]
    public void Late_WithinLateness_IsNotLate()
    {
        var output = new RecordingOutput();
        RunningStream<Stamped> running = Definition(writeLate: true).Start(output);

        running.OnEvent(new Stamped("a", Base + 100), eventTime: 0);
        running.OnEvent(new Stamped("a", Base + 114), eventTime: 0);
        running.OnEvent(new Stamped("b", Base + 101), eventTime: 0);

        // Watermark Base+109: [100, 110) is still open and takes the older event.
        Assert.Empty(output.Records);
        Assert.Equal(0, running.LateEventCount);
        running.OnTick(Base + 115);
        Assert.Equal(new[] { "a", "b" }, output.Results.Select(r => r.Key));
        Assert.Empty(output.LateEvents);
    }

    [Fact]
    public void Late_NegativeTime_WritesTheNumber()
    {
        var output = new RecordingOutput();
        RunningStream<Stamped> running = Definition(writeLate: false).Start(output);

        running.OnEvent(new Stamped("a", -3), eventTime: 0);
        running.OnEvent(new Stamped("a", 40), eventTime: 0);
        running.OnEvent(new Stamped("a", -1), eventTime: 0);

        OutputRecord late = Assert.Single(output.LateEvents);
        Assert.Equal(JsonValueKind.Number, late.Json.GetProperty("time").ValueKind);
        Assert.Equal(-1, late.Json.GetProperty("time").GetInt64());
    }

    private static StreamDefinition<Stamped> Definition(bool writeLate) =>
        StreamDefinitions.Windowed<Stamped, Stamped, string, long>(
            "stamped",
            late => Flow.Of<Stamped>().EventTime(s => s.Ticks).KeyBy(s => s.Name).Window(Windows.Tumbling(10), lateness: 5, lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value),
            writeLate: writeLate
                ? static (Utf8JsonWriter writer, in Stamped value) =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("name"u8, value.Name);
                    writer.WriteNumber("ticks"u8, value.Ticks);
                    writer.WriteEndObject();
                }
                : null);

    internal readonly record struct Stamped(string Name, long Ticks);
}
