using System;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class ConnectionTrackerTests
{
    private static ConnectionTracker Create() => new(0, schedule: null, new ManualTimeProvider(DateTimeOffset.UnixEpoch), measureFrom: 0);

    [Fact]
    public void OnAck_Rejected_CountsAsAnAckAndARejectNotAnError()
    {
        ConnectionTracker tracker = Create();
        tracker.OnSending(2, 0);

        tracker.OnAck(0, 0, 1, AckStatus.Ok, default);
        tracker.OnAck(0, 1, 2, AckStatus.Rejected, "insufficient_funds"u8);

        Assert.Equal(2, tracker.Acks);
        Assert.Equal(1, tracker.Rejected);
        Assert.Equal(0, tracker.Errors);
        Assert.Equal(2, tracker.MaxSequence);
    }

    [Fact]
    public void OnFailedAndOnPublishFailed_CountErrorsAndComplete()
    {
        ConnectionTracker tracker = Create();
        tracker.OnSending(3, 0);

        tracker.OnFailed(0, 0, new InvalidOperationException("reset"));
        tracker.OnPublishFailed(2, new InvalidOperationException("closed"));
        tracker.Finish();

        Assert.Equal(3, tracker.Errors);
        Assert.True(tracker.Drained.IsCompleted);
        Assert.Equal("connection failed: reset", tracker.FirstFailure);
    }

    [Fact]
    public void CountMissing_SentButNeverAnswered_CountsThemAsErrors()
    {
        ConnectionTracker tracker = Create();
        tracker.OnSending(5, 0);
        tracker.OnAck(0, 0, 1, AckStatus.Ok, default);
        tracker.Finish();
        Assert.False(tracker.Drained.IsCompleted);

        long missing = tracker.CountMissing();

        Assert.Equal(4, missing);
        Assert.Equal(4, tracker.Errors);
        Assert.Equal("4 commands got no ACK", tracker.FirstFailure);
    }

    [Fact]
    public void LoadOutcome_WithErrors_FailsNamingTheFirst()
    {
        ConnectionTracker ok = Create();
        ConnectionTracker bad = Create();
        ok.OnSending(1, 0);
        ok.OnAck(0, 0, 1, AckStatus.Rejected, "x"u8);
        bad.OnSending(1, 0);
        bad.OnAck(0, 0, 0, AckStatus.Duplicate, "seen"u8);

        var failing = new LoadOutcome([ok, bad], Commands: 2, ServerExitCode: null);
        var passing = new LoadOutcome([ok], Commands: 1, ServerExitCode: null);
        var serverDied = new LoadOutcome([ok], Commands: 1, ServerExitCode: 137);

        Assert.Equal("1 errors (first: DUPLICATE seen)", failing.Failure);
        Assert.Null(passing.Failure);
        Assert.Equal("the server exited with code 137 during the run", serverDied.Failure);
    }
}
