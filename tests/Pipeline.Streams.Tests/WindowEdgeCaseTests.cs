using System;
using System.Linq;
using Xunit;

namespace Pipeline.Streams.Tests;

public sealed class WindowEdgeCaseTests
{
    [Fact]
    public void OnEvent_ExactlyOnAWindowEnd_BelongsToTheNextWindowAndClosesThePrevious()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        IFlow<long> flow = Flow.Of<long>().Window(Windows.Tumbling(10)).Count().Build(sink);
        flow.OnEvent(1, 0);
        flow.OnEvent(1, 9);

        flow.OnEvent(1, 10);

        WindowResult<GlobalKey, long> closed = Assert.Single(sink.Values);
        Assert.Equal((0L, 10L, 2L), (closed.Start, closed.End, closed.Value));
        Assert.Equal(10L, sink.Times.Single());

        flow.OnTick(20);

        Assert.Equal((10L, 20L, 1L), (sink.Values[1].Start, sink.Values[1].End, sink.Values[1].Value));
    }

    [Fact]
    public void OnTick_PastWindowsWithoutEvents_EmitsNothingForThem()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        IFlow<long> flow = Flow.Of<long>().Window(Windows.Tumbling(10)).Count().Build(sink);
        flow.OnEvent(1, 5);
        flow.OnEvent(1, 35);

        flow.OnTick(40);

        Assert.Equal(new[] { (0L, 10L), (30L, 40L) }, sink.Values.Select(r => (r.Start, r.End)));
    }

    [Fact]
    public void OnTick_AfterAnIdlePeriodLongerThanTheWindow_ClosesTheOpenWindows()
    {
        var sink = new RecordingSink<WindowResult<long, double>>();
        IFlow<Reading> flow = Flow.Of<Reading>().KeyBy(r => r.Key)
            .Window(Windows.Sliding(10, 5)).Sum(r => r.Value).Build(sink);
        flow.OnEvent(new Reading(1, 3), 7);
        flow.OnEvent(new Reading(2, 4), 8);

        flow.OnTick(1_000_000);

        Assert.Equal(
            new[] { (1L, 0L, 10L, 3.0), (2L, 0L, 10L, 4.0), (1L, 5L, 15L, 3.0), (2L, 5L, 15L, 4.0) },
            sink.Values.Select(r => (r.Key, r.Start, r.End, r.Value)));

        flow.OnEvent(new Reading(1, 1), 1_000_001);
        flow.OnTick(1_000_010);

        Assert.Equal((1L, 999_995L, 1_000_005L, 1.0), (sink.Values[4].Key, sink.Values[4].Start, sink.Values[4].End, sink.Values[4].Value));
    }

    [Fact]
    public void OnEvent_LateJustInsideTheLateness_IsAddedToItsWindow()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        var late = new RecordingSink<long>();
        IFlow<long> flow = Flow.Of<long>().Window(Windows.Tumbling(10), lateness: 5, lateSink: late).Count().Build(sink);
        flow.OnEvent(1, 5);
        flow.OnEvent(1, 14);

        flow.OnEvent(1, 9);
        flow.OnTick(15);

        Assert.Empty(late.Values);
        Assert.Equal(0, flow.LateEventCount);
        Assert.Equal(2L, Assert.Single(sink.Values).Value);
    }

    [Fact]
    public void OnEvent_LateJustOutsideTheLateness_GoesToTheLateSinkAndIsCounted()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        var late = new RecordingSink<long>();
        IFlow<long> flow = Flow.Of<long>().Window(Windows.Tumbling(10), lateness: 5, lateSink: late).Count().Build(sink);
        flow.OnEvent(1, 5);
        flow.OnEvent(2, 15);

        flow.OnEvent(3, 9);
        flow.OnEvent(4, 10);

        Assert.Equal(new[] { 3L }, late.Values);
        Assert.Equal(new[] { 9L }, late.Times);
        Assert.Equal(1, flow.LateEventCount);
        Assert.Equal(1L, Assert.Single(sink.Values).Value);
    }

    [Fact]
    public void OnEvent_LateWithoutALateSink_IsStillCounted()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        IFlow<long> flow = Flow.Of<long>().Window(Windows.Tumbling(10)).Count().Build(sink);
        flow.OnEvent(1, 25);

        flow.OnEvent(1, 3);

        Assert.Equal(1, flow.LateEventCount);
    }

    [Fact]
    public void WindowResults_ForOneWindow_ComeInFirstSeenKeyOrder()
    {
        var sink = new RecordingSink<WindowResult<string, long>>();
        IFlow<string> flow = Flow.Of<string>().KeyBy(s => s).Window(Windows.Tumbling(10)).Count().Build(sink);
        foreach (string key in new[] { "zeta", "alpha", "zeta", "mid" })
        {
            flow.OnEvent(key, 1);
        }

        flow.OnEvent("alpha", 12);
        flow.OnEvent("mid", 13);
        flow.OnTick(20);

        Assert.Equal(
            new[] { ("zeta", 2L), ("alpha", 1L), ("mid", 1L), ("alpha", 1L), ("mid", 1L) },
            sink.Values.Select(r => (r.Key, r.Value)));
    }

    [Fact]
    public void OnEvent_AtNegativeTimes_FallsIntoFlooredWindows()
    {
        var sink = new RecordingSink<WindowResult<GlobalKey, long>>();
        IFlow<long> flow = Flow.Of<long>().Window(Windows.Tumbling(10)).Count().Build(sink);
        flow.OnEvent(1, -1);
        flow.OnEvent(1, -10);

        flow.OnTick(0);

        Assert.Equal((-10L, 0L, 2L), (sink.Values.Single().Start, sink.Values.Single().End, sink.Values.Single().Value));
    }

    [Fact]
    public void Window_WithTimeSpans_UsesDotNetTicks()
    {
        WindowSpec spec = Windows.Sliding(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(4));

        Assert.Equal((100_000_000L, 40_000_000L, 20_000_000L), (spec.Size, spec.Slide, spec.Pane));
    }

    [Fact]
    public void Sliding_WithSlideLargerThanSize_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Windows.Sliding(5, 10));
    }
}
