using System;
using System.Collections.Generic;
using System.Text.Json;
using Pipeline.Streams.Hosting;
using Xunit;

namespace Pipeline.Streams.Tests.Hosting;

public sealed class HasPendingWindowsTests
{
    [Fact]
    public void HasPendingWindows_TumblingWithLateness_TrueUntilTheWindowCloses()
    {
        FlowPlan<Reading, WindowResult<long, long>> plan = Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(10), lateness: 5).Count();
        var sink = new RecordingSink<WindowResult<long, long>>();
        IFlow<Reading> flow = plan.Build(sink);
        var output = new RecordingOutput();
        StreamDefinition<Reading> definition = StreamDefinitions.Windowed<Reading, Reading, long, long>(
            "pending",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(10), lateness: 5, lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));
        var runner = new StreamRunner<Reading>(new[] { definition }, output);
        RunningStream<Reading> running = runner.Streams[0];

        void Step(Action<IFlow<Reading>> onFlow, Action<StreamRunner<Reading>> onRunner, bool expected, string when)
        {
            onFlow(flow);
            onRunner(runner);
            Assert.True(expected == flow.HasPendingWindows, $"flow, {when}");
            Assert.True(expected == running.HasPendingWindows, $"running stream, {when}");
            Assert.True(expected == runner.HasPendingWindows, $"runner, {when}");
        }

        Step(_ => { }, _ => { }, false, "before any event");
        Step(f => f.OnTick(1), r => r.OnTick(1), false, "after a tick without data");
        Step(f => f.OnEvent(new Reading(1, 0), 3), r => r.OnEvent(new Reading(1, 0), 3), true, "after an event");
        Step(f => f.OnTick(14), r => r.OnTick(14), true, "watermark 9, before the window's end");
        Assert.Empty(sink.Values);
        Assert.Empty(output.Records);
        Step(f => f.OnTick(15), r => r.OnTick(15), false, "watermark 10, the window closed");
        Assert.Single(sink.Values);
        Assert.Single(output.Results);
        Step(f => f.OnEvent(new Reading(1, 0), 4), r => r.OnEvent(new Reading(1, 0), 4), false, "after a late event");
        Assert.Equal(1, running.LateEventCount);
        Step(f => f.OnEvent(new Reading(2, 0), 16), r => r.OnEvent(new Reading(2, 0), 16), true, "after an event in the next window");
        Step(f => f.OnTick(1_000), r => r.OnTick(1_000), false, "after a long idle tick");
    }

    [Fact]
    public void HasPendingWindows_SlidingWindow_TrueUntilTheLastWindowHoldingTheEventCloses()
    {
        IFlow<Reading> flow = Flow.Of<Reading>().Window(Windows.Sliding(30, 10)).Count().Build(new RecordingSink<WindowResult<GlobalKey, long>>());
        flow.OnEvent(new Reading(0, 0), 5);
        flow.OnTick(10);
        Assert.True(flow.HasPendingWindows);
        flow.OnTick(29);
        Assert.True(flow.HasPendingWindows);
        flow.OnTick(30);
        Assert.False(flow.HasPendingWindows);
    }

    [Fact]
    public void HasPendingWindows_RunningSum_AlwaysFalse()
    {
        var sink = new RecordingSink<double>();
        IFlow<Reading> flow = Flow.Of<Reading>().Sum(r => r.Value).Build(sink);
        Assert.False(flow.HasPendingWindows);
        flow.OnEvent(new Reading(0, 2), 1);
        flow.OnEvent(new Reading(0, 3), 2);
        Assert.False(flow.HasPendingWindows);
        flow.OnTick(100);
        Assert.False(flow.HasPendingWindows);
        Assert.Equal(new[] { 2.0, 5.0 }, sink.Values);
    }

    [Fact]
    public void HasPendingWindows_Session_TrueWhileASessionIsOpen()
    {
        var sink = new RecordingSink<WindowResult<long, long>>();
        IFlow<Reading> flow = Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Session(10)).Count().Build(sink);
        var output = new RecordingOutput();
        StreamDefinition<Reading> definition = StreamDefinitions.Windowed<Reading, Reading, long, long>(
            "sessions",
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Session(10), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));
        RunningStream<Reading> running = definition.Start(output);

        Assert.False(flow.HasPendingWindows);
        Assert.False(running.HasPendingWindows);
        foreach (long time in new long[] { 100, 105, 112 })
        {
            flow.OnEvent(new Reading(1, 0), time);
            running.OnEvent(new Reading(1, 0), time);
            Assert.True(flow.HasPendingWindows);
            Assert.True(running.HasPendingWindows);
        }

        // The session [100, 122) stays open until the watermark passes its end.
        flow.OnTick(120);
        running.OnTick(120);
        Assert.True(flow.HasPendingWindows);
        Assert.True(running.HasPendingWindows);
        Assert.Empty(sink.Values);

        flow.OnTick(500);
        running.OnTick(500);
        Assert.False(flow.HasPendingWindows);
        Assert.False(running.HasPendingWindows);
        WindowResult<long, long> session = Assert.Single(sink.Values);
        Assert.Equal(3, session.Value);
        Assert.Equal(3, Assert.Single(output.Results).Json.GetProperty("value").GetInt64());
    }

    [Fact]
    public void HasPendingWindows_RunnerOverSeveralStreams_TrueWhenAnyIsPending()
    {
        var output = new RecordingOutput();
        var runner = new StreamRunner<Reading>(
            new List<StreamDefinition<Reading>> { Count("short", 10), Count("long", 100) },
            output);
        Assert.False(runner.HasPendingWindows);
        runner.OnEvent(new Reading(1, 0), 5);
        Assert.True(runner.Streams[0].HasPendingWindows);
        Assert.True(runner.Streams[1].HasPendingWindows);
        runner.OnTick(10);
        Assert.False(runner.Streams[0].HasPendingWindows);
        Assert.True(runner.Streams[1].HasPendingWindows);
        Assert.True(runner.HasPendingWindows);
        runner.OnTick(100);
        Assert.False(runner.HasPendingWindows);
        Assert.Equal(new[] { "short", "long" }, output.Results.ConvertAll(r => r.Stream));
    }

    [Fact]
    public void HasPendingWindows_EmptyRunner_False()
    {
        var runner = new StreamRunner<Reading>(Array.Empty<StreamDefinition<Reading>>(), new RecordingOutput());
        runner.OnEvent(new Reading(1, 1), 1);
        Assert.False(runner.HasPendingWindows);
        Assert.Empty(runner.Streams);
    }

    private static StreamDefinition<Reading> Count(string name, long size) =>
        StreamDefinitions.Windowed<Reading, Reading, long, long>(
            name,
            late => Flow.Of<Reading>().KeyBy(r => r.Key).Window(Windows.Tumbling(size), lateSink: late).Count(),
            static (Utf8JsonWriter writer, in long value) => writer.WriteNumberValue(value));
}
