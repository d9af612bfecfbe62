using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Pipeline.Hosting.Engine;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.Tests.Engine;

public sealed class SlowCommitWatchTests
{
    private static readonly TimeSpan s_threshold = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_every = TimeSpan.FromSeconds(10);

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, int EventId, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, eventId.Id, formatter(state, exception)));
    }

    private static (SlowCommitWatch Watch, ListLogger Logger, ManualTimeProvider Clock) Create()
    {
        var logger = new ListLogger();
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        return (new SlowCommitWatch(logger, s_threshold, s_every, clock), logger, clock);
    }

    [Fact]
    public void Observe_FastCommits_LogNothing()
    {
        (SlowCommitWatch watch, ListLogger logger, _) = Create();

        watch.Observe(TimeSpan.FromMilliseconds(0.3));
        watch.Observe(TimeSpan.FromMilliseconds(99.9));

        Assert.Empty(logger.Entries);
        Assert.Equal(0, watch.SlowCommits);
    }

    [Fact]
    public void Observe_TheFirstSlowCommit_WarnsAtOnceWithItsDuration()
    {
        (SlowCommitWatch watch, ListLogger logger, _) = Create();

        watch.Observe(TimeSpan.FromMilliseconds(102.5));

        (LogLevel level, int eventId, string message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal(3008, eventId);
        Assert.Contains("1 journal commit(s) took 100 ms or more", message, StringComparison.Ordinal);
        Assert.Contains("longest 102.5 ms", message, StringComparison.Ordinal);
        Assert.Equal(1, watch.SlowCommits);
    }

    [Fact]
    public void Observe_AStormOfSlowCommits_WarnsOncePerPeriodWithTheCountAndTheLongest()
    {
        (SlowCommitWatch watch, ListLogger logger, ManualTimeProvider clock) = Create();

        watch.Observe(TimeSpan.FromMilliseconds(150)); // warned at once
        for (int i = 0; i < 5; i++)
        {
            clock.AdvanceTimestamp(TimeSpan.FromSeconds(1));
            watch.Observe(TimeSpan.FromMilliseconds(110 + (i * 40))); // 110 .. 270: held back
        }

        Assert.Single(logger.Entries);
        clock.AdvanceTimestamp(TimeSpan.FromSeconds(5)); // 10 s after the first warning
        watch.Observe(TimeSpan.FromMilliseconds(120));

        Assert.Equal(2, logger.Entries.Count);
        Assert.Contains("6 journal commit(s)", logger.Entries[1].Message, StringComparison.Ordinal);
        Assert.Contains("longest 270 ms", logger.Entries[1].Message, StringComparison.Ordinal);
        Assert.Equal(7, watch.SlowCommits);
    }

    [Fact]
    public void ReportPending_AfterHeldBackSlowCommits_WarnsWithThemAndThenHasNothingLeft()
    {
        (SlowCommitWatch watch, ListLogger logger, _) = Create();
        watch.Observe(TimeSpan.FromMilliseconds(100));
        watch.Observe(TimeSpan.FromMilliseconds(300)); // held back: same period

        watch.ReportPending();
        watch.ReportPending();

        Assert.Equal(2, logger.Entries.Count);
        Assert.Contains("1 journal commit(s)", logger.Entries[1].Message, StringComparison.Ordinal);
        Assert.Contains("longest 300 ms", logger.Entries[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportPending_WithNothingHeldBack_LogsNothing()
    {
        (SlowCommitWatch watch, ListLogger logger, _) = Create();
        watch.Observe(TimeSpan.FromMilliseconds(150));

        watch.ReportPending();

        Assert.Single(logger.Entries);
    }

    [Fact]
    public void Constructor_ANonPositiveThreshold_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlowCommitWatch(new ListLogger(), TimeSpan.Zero, s_every, TimeProvider.System));
    }
}
