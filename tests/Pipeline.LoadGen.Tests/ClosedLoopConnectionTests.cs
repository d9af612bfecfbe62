using System;
using HdrHistogram;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class ClosedLoopConnectionTests
{
    private static (ClosedLoopConnection Loop, ConnectionTracker Tracker, SimulatedServer Server, ManualTimeProvider Clock) Create(int window, int batch, TimeSpan runFor, long limit = long.MaxValue)
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        long end = clock.GetTimestamp() + runFor.Ticks;
        var tracker = new ConnectionTracker(0, schedule: null, clock, measureFrom: 0);
        var loop = new ClosedLoopConnection(tracker, new LedgerWorkload(seed: 1, accounts: 10, size: 32), clock, window, batch, end, limit);
        var server = new SimulatedServer(tracker, loop);
        return (loop, tracker, server, clock);
    }

    [Fact]
    public void Start_WindowOfFourBatches_SendsFourBatches()
    {
        (ClosedLoopConnection loop, ConnectionTracker tracker, SimulatedServer server, _) = Create(window: 64, batch: 16, TimeSpan.FromSeconds(1));

        loop.Start(server);

        Assert.Equal(4, server.Batches);
        Assert.Equal(64, tracker.Sent);
    }

    [Fact]
    public void OnAck_OldestBatchFullyAnswered_SendsTheNextBatch()
    {
        (ClosedLoopConnection loop, ConnectionTracker tracker, SimulatedServer server, ManualTimeProvider clock) = Create(window: 64, batch: 16, TimeSpan.FromSeconds(1));
        loop.Start(server);

        clock.AdvanceTimestamp(TimeSpan.FromMicroseconds(250));
        server.Answer(batches: 1);

        Assert.Equal(5, server.Batches);
        Assert.Equal(48 + 16, server.Waiting);
        Assert.Equal(16, tracker.Acks);
        Assert.Equal(16, tracker.Recorder.Latency.TotalCount);
        Assert.InRange(tracker.Recorder.Latency.GetMaxValue(), 249, 251);
        Assert.Null(tracker.Recorder.Service);
    }

    [Fact]
    public void Stop_WithBatchesInFlight_DrainsOnceTheyAreAnsweredAndSendsNoMore()
    {
        (ClosedLoopConnection loop, ConnectionTracker tracker, SimulatedServer server, _) = Create(window: 32, batch: 8, TimeSpan.FromSeconds(1));
        loop.Start(server);

        loop.Stop();
        Assert.False(tracker.Drained.IsCompleted);
        server.AnswerAll();

        Assert.True(tracker.Drained.IsCompleted);
        Assert.Equal(4, server.Batches);
        Assert.Equal(32, tracker.Completed);
    }

    [Fact]
    public void OnAck_AfterTheEndTime_StopsRefillingAndDrains()
    {
        (ClosedLoopConnection loop, ConnectionTracker tracker, SimulatedServer server, ManualTimeProvider clock) = Create(window: 16, batch: 8, TimeSpan.FromMilliseconds(10));
        loop.Start(server);

        clock.AdvanceTimestamp(TimeSpan.FromMilliseconds(10));
        server.AnswerAll();

        Assert.Equal(2, server.Batches);
        Assert.True(tracker.Drained.IsCompleted);
    }

    [Fact]
    public void CommandLimit_NotAMultipleOfTheBatch_SendsExactlyTheLimitThenDrains()
    {
        (ClosedLoopConnection loop, ConnectionTracker tracker, SimulatedServer server, _) = Create(window: 16, batch: 8, TimeSpan.FromDays(1), limit: 50);
        loop.Start(server);

        for (int i = 0; i < 20 && server.Waiting > 0; i++)
        {
            server.Answer(batches: 1);
        }

        Assert.Equal(50, tracker.Sent);
        Assert.Equal(50, tracker.Acks);
        Assert.True(tracker.Drained.IsCompleted);
        Assert.Equal(2, server.BatchSizes[^1]);
    }

    [Fact]
    public void Acks_InvalidOrDuplicate_CountAsErrorsAndNameTheFirst()
    {
        (ClosedLoopConnection loop, ConnectionTracker tracker, SimulatedServer server, _) = Create(window: 8, batch: 8, TimeSpan.FromSeconds(1), limit: 8);
        server.Status = AckStatus.Invalid;
        loop.Start(server);

        server.AnswerAll();

        Assert.Equal(8, tracker.Errors);
        Assert.Equal(0, tracker.Acks);
        Assert.Equal("INVALID why", tracker.FirstFailure);
        Assert.True(tracker.Drained.IsCompleted);
    }
}
