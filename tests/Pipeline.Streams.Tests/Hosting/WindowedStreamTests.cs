using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Pipeline.Streams.Hosting;
using Xunit;

namespace Pipeline.Streams.Tests.Hosting;

public sealed class WindowedStreamTests
{
    private static readonly long Base = new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc).Ticks;

    [Fact]
    public void Result_KeyedTumblingSum_WritesKeyWindowRevisionAndValue()
    {
        const long size = TimeSpan.TicksPerSecond * 10;
        var output = new RecordingOutput();
        StreamDefinition<Reading> definition = StreamDefinitions.Windowed<Reading, Reading, long, double>(
            "sums",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(size), lateSink: late).Sum(r => r.Value),
            static (Utf8JsonWriter writer, in double value) => writer.WriteNumberValue(value));
        RunningStream<Reading> running = definition.Start(output);

        running.OnEvent(new Reading(7, 3), Base + 1);
        running.OnEvent(new Reading(-2, 4), Base + 2);
        running.OnEvent(new Reading(7, 5), Base + size - 1);
        Assert.Empty(output.Records);
        running.OnTick(Base + size);

        Assert.Equal(2, output.Records.Count);
        Assert.All(output.Records, r => Assert.False(r.IsLate));
        Assert.Equal(new[] { "7", "-2" }, output.Records.Select(r => r.Key));
        Assert.All(output.Records, r => Assert.Equal("sums", r.Stream));
        Assert.All(output.Records, r => Assert.Equal(Base + size, r.WindowEnd));

        JsonElement first = output.Records[0].Json;
        Assert.Equal(new[] { "key", "start", "end", "revision", "value" }, RecordingOutput.PropertyNames(first));
        Assert.Equal("7", first.GetProperty("key").GetString());
        Assert.Equal(Base, RecordingOutput.Ticks(first.GetProperty("start")));
        Assert.Equal(Base + size, RecordingOutput.Ticks(first.GetProperty("end")));
        Assert.Equal(0, first.GetProperty("revision").GetInt32());
        Assert.Equal(8.0, first.GetProperty("value").GetDouble());

        JsonElement second = output.Records[1].Json;
        Assert.Equal("-2", second.GetProperty("key").GetString());
        Assert.Equal(4.0, second.GetProperty("value").GetDouble());
    }

    [Fact]
    public void Result_TimesWithSubsecondTicks_RoundTripExactly()
    {
        // A window whose bounds are not whole seconds: the ISO string must keep all seven fractional digits.
        const long size = 1_234_567;
        var output = new RecordingOutput();
        StreamDefinition<Reading> definition = StreamDefinitions.Windowed<Reading, Reading, long, long>(
            "counts",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(size), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));
        RunningStream<Reading> running = definition.Start(output);
        long time = Base + 987_654;
        long start = time / size * size;

        running.OnEvent(new Reading(1, 0), time);
        running.OnTick(start + size);

        JsonElement json = Assert.Single(output.Results).Json;
        Assert.Equal(start, RecordingOutput.Ticks(json.GetProperty("start")));
        Assert.Equal(start + size, RecordingOutput.Ticks(json.GetProperty("end")));
        Assert.Equal(1, json.GetProperty("value").GetInt64());
    }

    [Fact]
    public void Result_GlobalWindow_HasNoKey()
    {
        const long size = TimeSpan.TicksPerMinute;
        var output = new RecordingOutput();
        StreamDefinition<Reading> definition = StreamDefinitions.Windowed<Reading, Reading, GlobalKey, long>(
            "global",
            late => Flow.Of<Reading>().Window(Windows.Sliding(size, size / 2), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));
        RunningStream<Reading> running = definition.Start(output);

        running.OnEvent(new Reading(1, 0), Base + 1);
        running.OnEvent(new Reading(2, 0), Base + (size / 2) + 1);
        running.OnTick(Base + size);

        // Windows [Base - size/2, Base + size/2) with one event, then [Base, Base + size) with two.
        Assert.Equal(2, output.Results.Count);
        Assert.All(output.Results, r => Assert.Null(r.Key));
        var windows = output.Results.Select(r => r.Json).ToList();
        Assert.All(windows, w => Assert.Equal(new[] { "start", "end", "revision", "value" }, RecordingOutput.PropertyNames(w)));
        Assert.Equal(Base - (size / 2), RecordingOutput.Ticks(windows[0].GetProperty("start")));
        Assert.Equal(Base + (size / 2), RecordingOutput.Ticks(windows[0].GetProperty("end")));
        Assert.Equal(1, windows[0].GetProperty("value").GetInt64());
        Assert.Equal(Base, RecordingOutput.Ticks(windows[1].GetProperty("start")));
        Assert.Equal(Base + size, RecordingOutput.Ticks(windows[1].GetProperty("end")));
        Assert.Equal(2, windows[1].GetProperty("value").GetInt64());
        Assert.Equal(new[] { Base + (size / 2), Base + size }, output.Results.Select(r => r.WindowEnd));
    }

    [Fact]
    public void Result_NegativeTimes_WritesNumbersOutsideTheDateTimeRange()
    {
        var output = new RecordingOutput();
        StreamDefinition<Reading> definition = StreamDefinitions.Windowed<Reading, Reading, GlobalKey, long>(
            "negative",
            late => Flow.Of<Reading>().Window(Windows.Tumbling(10), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));
        RunningStream<Reading> running = definition.Start(output);

        running.OnEvent(new Reading(0, 0), -25);
        running.OnEvent(new Reading(0, 0), -21);
        running.OnEvent(new Reading(0, 0), -3);
        running.OnTick(0);

        Assert.Equal(2, output.Results.Count);
        JsonElement first = output.Results[0].Json;
        Assert.Equal(JsonValueKind.Number, first.GetProperty("start").ValueKind);
        Assert.Equal(-30, first.GetProperty("start").GetInt64());
        Assert.Equal(JsonValueKind.Number, first.GetProperty("end").ValueKind);
        Assert.Equal(-20, first.GetProperty("end").GetInt64());
        Assert.Equal(2, first.GetProperty("value").GetInt64());

        // [-10, 0): the start is out of range, the end (tick 0, 0001-01-01) is not.
        JsonElement second = output.Results[1].Json;
        Assert.Equal(-10, second.GetProperty("start").GetInt64());
        Assert.Equal(0, RecordingOutput.Ticks(second.GetProperty("end")));
        Assert.Equal(1, second.GetProperty("value").GetInt64());
        Assert.Equal(new[] { -20L, 0L }, output.Results.Select(r => r.WindowEnd));
    }

    [Fact]
    public void Result_LateCorrection_WritesTheRevision()
    {
        var output = new RecordingOutput();
        StreamDefinition<Reading> definition = StreamDefinitions.Windowed<Reading, Reading, long, long>(
            "corrected",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(10), lateness: 5, late: LatePolicy.Correct, lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));
        RunningStream<Reading> running = definition.Start(output);

        running.OnEvent(new Reading(4, 0), Base + 5);
        running.OnEvent(new Reading(4, 0), Base + 12);
        running.OnEvent(new Reading(4, 0), Base + 8);

        Assert.Equal(2, output.Results.Count);
        Assert.Equal(new[] { 0, 1 }, output.Results.Select(r => r.Json.GetProperty("revision").GetInt32()));
        Assert.Equal(new[] { 1L, 2L }, output.Results.Select(r => r.Json.GetProperty("value").GetInt64()));
        Assert.All(output.Results, r => Assert.Equal(Base + 10, RecordingOutput.Ticks(r.Json.GetProperty("end"))));
    }

    [Fact]
    public void Result_DefaultKeyText_IsInvariantForNumbers()
    {
        var output = new RecordingOutput();
        StreamDefinition<double> definition = StreamDefinitions.Windowed<double, double, double, long>(
            "doubles",
            late => Flow.Of<double>().KeyBy(d => d).Window(Windows.Tumbling(10), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));
        System.Globalization.CultureInfo previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // The tests run in globalization-invariant mode: a comma-decimal culture made by hand.
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            System.Globalization.CultureInfo.CurrentCulture = comma;
            Assert.Equal("1,5", 1.5.ToString());
            RunningStream<double> running = definition.Start(output);
            running.OnEvent(1.5, 1);
            running.OnTick(10);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }

        OutputRecord result = Assert.Single(output.Results);
        Assert.Equal("1.5", result.Key);
        Assert.Equal("1.5", result.Json.GetProperty("key").GetString());
    }

    [Fact]
    public void Result_CustomKeyText_IsUsedForKeyAndOutput()
    {
        var output = new RecordingOutput();
        StreamDefinition<Reading> definition = StreamDefinitions.Windowed<Reading, Reading, long, long>(
            "custom",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(10), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value),
            keyText: key => "account-" + key);
        RunningStream<Reading> running = definition.Start(output);
        running.OnEvent(new Reading(3, 0), 1);
        running.OnTick(10);

        OutputRecord result = Assert.Single(output.Results);
        Assert.Equal("account-3", result.Key);
        Assert.Equal("account-3", result.Json.GetProperty("key").GetString());
    }

    [Fact]
    public void Windowed_InvalidArguments_Throw()
    {
        Func<ISink<Reading>, FlowPlan<Reading, WindowResult<long, long>>> plan =
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(10), lateSink: late).Count();
        JsonValueWriter<long> write = static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value);

        Assert.Throws<ArgumentException>(() => StreamDefinitions.Windowed<Reading, Reading, long, long>("top", plan, write, top: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamDefinitions.Windowed<Reading, Reading, long, long>("top", plan, write, top: -1, rank: (a, b) => b.CompareTo(a)));
        Assert.Throws<ArgumentNullException>(() => StreamDefinitions.Windowed<Reading, Reading, long, long>("top", null!, write));
        Assert.Throws<ArgumentNullException>(() => StreamDefinitions.Windowed<Reading, Reading, long, long>("top", plan, null!));
        StreamDefinition<Reading> valid = StreamDefinitions.Windowed<Reading, Reading, long, long>("top", plan, write, top: 3, rank: (a, b) => b.CompareTo(a));
        Assert.Equal(3, valid.Top);
        Assert.Equal("top.late", valid.LateType);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("$engine")]
    [InlineData("$")]
    public void Windowed_ReservedOrEmptyName_Throws(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => StreamDefinitions.Windowed<Reading, Reading, long, long>(
            name,
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(10), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value)));
    }

    [Fact]
    public void Windowed_NameOver200Utf8Bytes_Throws()
    {
        JsonValueWriter<long> write = static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value);
        Func<ISink<Reading>, FlowPlan<Reading, WindowResult<long, long>>> plan =
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(10), lateSink: late).Count();

        // 100 two-byte characters are 200 bytes (allowed); one more is 202.
        Assert.Equal(new string('é', 100), StreamDefinitions.Windowed<Reading, Reading, long, long>(new string('é', 100), plan, write).Name);
        Assert.Throws<ArgumentException>(() => StreamDefinitions.Windowed<Reading, Reading, long, long>(new string('é', 101), plan, write));
    }
}
