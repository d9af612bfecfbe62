using System;
using Microsoft.Extensions.Logging;
using Pipeline.Journal.Replay;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Journal.Tests.Replay;

public sealed class ProgressReporterTests
{
    private const int ProgressEventId = 1104;
    private const int CheckEvery = 100;

    private readonly ListLogger _logger = new();
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    private ProgressReporter Create(long total, int checkEvery = CheckEvery) =>
        new("Replay", total, _logger, _clock, ProgressReporter.DefaultInterval, checkEvery);

    // Advances the clock by `step`, then counts `events` more events in one call (one look at the clock at most).
    private static void Run(ProgressReporter progress, ManualTimeProvider clock, int events, TimeSpan step)
    {
        clock.AdvanceTimestamp(step);
        progress.Advance(events);
    }

    [Fact]
    public void Advance_BeforeTwoSeconds_LogsNothing()
    {
        ProgressReporter progress = Create(total: 10_000);

        Run(progress, _clock, 1_000, TimeSpan.FromSeconds(1));
        Run(progress, _clock, 1_000, TimeSpan.FromSeconds(0.999));

        Assert.Empty(_logger.Entries);
        Assert.Equal(2_000, progress.Done);
    }

    [Fact]
    public void Advance_WorkDoneWithinTwoSeconds_LogsNothing()
    {
        ProgressReporter progress = Create(total: 5_000);

        Run(progress, _clock, 2_500, TimeSpan.FromSeconds(0.5));
        Run(progress, _clock, 2_500, TimeSpan.FromSeconds(1.4));

        Assert.Empty(_logger.Entries);
        Assert.Equal(5_000, progress.Done);
    }

    [Fact]
    public void Advance_AtTwoSeconds_LogsDonePercentRateAndTimeLeft()
    {
        ProgressReporter progress = Create(total: 10_000);
        Run(progress, _clock, 1_000, TimeSpan.FromSeconds(1));

        Run(progress, _clock, 1_000, TimeSpan.FromSeconds(1)); // 2,000 of 10,000 in 2 s: 1,000/s, 8 s left

        (LogLevel level, int eventId, string message) = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Information, level);
        Assert.Equal(ProgressEventId, eventId);
        Assert.Equal("Replay: 2000 of 10000 events (20%), 1000 events/s, about 8 s left (2 s so far)", message);
    }

    [Fact]
    public void Advance_LongWork_LogsOnceEveryTwoSecondsWithTheRightNumbers()
    {
        ProgressReporter progress = Create(total: 100_000);

        for (int second = 1; second <= 7; second++)
        {
            Run(progress, _clock, 5_000, TimeSpan.FromSeconds(1)); // 5,000 events/s
        }

        Assert.Equal(3, _logger.Entries.Count); // at 2, 4 and 6 s
        Assert.Equal("Replay: 10000 of 100000 events (10%), 5000 events/s, about 18 s left (2 s so far)", _logger.Entries[0].Message);
        Assert.Equal("Replay: 20000 of 100000 events (20%), 5000 events/s, about 16 s left (4 s so far)", _logger.Entries[1].Message);
        Assert.Equal("Replay: 30000 of 100000 events (30%), 5000 events/s, about 14 s left (6 s so far)", _logger.Entries[2].Message);
    }

    [Fact]
    public void Advance_UnevenRate_ReportsTheAverageSinceTheStart()
    {
        ProgressReporter progress = Create(total: 12_000);
        Run(progress, _clock, 1_000, TimeSpan.FromSeconds(1));
        Run(progress, _clock, 2_000, TimeSpan.FromSeconds(1.5)); // 3,000 in 2.5 s: 1,200/s, 9,000 left: 7.5 s

        string message = Assert.Single(_logger.Entries).Message;

        Assert.Equal("Replay: 3000 of 12000 events (25%), 1200 events/s, about 7.5 s left (2.5 s so far)", message);
    }

    [Fact]
    public void Advance_ClockCheckedLate_LogsOneLineNotABurst()
    {
        ProgressReporter progress = Create(total: 1_000_000);
        Run(progress, _clock, 1_000, TimeSpan.FromSeconds(7)); // three intervals passed before a look at the clock

        Run(progress, _clock, 1_000, TimeSpan.FromSeconds(0.5)); // 7.5 s: the next line is due at 8 s

        Assert.Single(_logger.Entries);
        Run(progress, _clock, 1_000, TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, _logger.Entries.Count);
    }

    [Fact]
    public void Advance_BetweenClockChecks_DoesNotReadTheClock()
    {
        var clock = new CountingTimeProvider();
        var progress = new ProgressReporter("Replay", 100_000, _logger, clock);
        int readsAtStart = clock.Reads;

        for (int i = 0; i < (ProgressReporter.DefaultCheckEvery * 3) + 10; i++)
        {
            progress.Advance();
        }

        Assert.Equal(3, clock.Reads - readsAtStart);
    }

    [Fact]
    public void Advance_IntervalDueMidBatch_LogsAtTheNextCheck()
    {
        ProgressReporter progress = Create(total: 10_000, checkEvery: 1_000);
        Run(progress, _clock, 999, TimeSpan.FromSeconds(2.5)); // due, but the clock is not read until event 1,000

        Assert.Empty(_logger.Entries);
        progress.Advance();

        Assert.Contains("1000 of 10000 events (10%), 400 events/s, about 22.5 s left", Assert.Single(_logger.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressReporter("Replay", -1, _logger, _clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressReporter("Replay", 1, _logger, _clock, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressReporter("Replay", 1, _logger, _clock, checkEvery: 0));
        Assert.Throws<ArgumentException>(() => new ProgressReporter(string.Empty, 1, _logger, _clock));
    }

    private sealed class CountingTimeProvider : TimeProvider
    {
        public int Reads { get; private set; }

        public override long GetTimestamp()
        {
            Reads++;
            return 0;
        }
    }
}
