using System;
using Microsoft.Extensions.Logging;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// Watches group-commit durations and warns when the disk makes acknowledgements wait: a commit at or above the
/// threshold is counted, and a warning names how many there were and the longest, at most once per report period
/// (a disk that stalls every second must not also flood the log).
/// </summary>
/// <remarks>
/// For the journal stage's thread only (not thread-safe). The durations also go to the
/// <c>pipeline.journal.commit.duration</c> histogram; this is the line an operator sees without a metrics pipeline.
/// </remarks>
internal sealed class SlowCommitWatch
{
    /// <summary>The least time between two warnings.</summary>
    public static readonly TimeSpan DefaultReportEvery = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger;
    private readonly TimeSpan _threshold;
    private readonly long _reportEveryTicks;
    private readonly TimeProvider _time;
    private long _lastReport;
    private bool _reported;
    private long _pending;
    private TimeSpan _pendingMax;

    public SlowCommitWatch(ILogger logger, TimeSpan threshold, TimeSpan reportEvery, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(threshold, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(reportEvery, TimeSpan.Zero);
        _logger = logger;
        _threshold = threshold;
        _time = time;
        _reportEveryTicks = (long)(reportEvery.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The clock commits are timed with (the journal stage times them on the same one as the reports).</summary>
    public TimeProvider Time => _time;

    /// <summary>Slow commits seen so far.</summary>
    public long SlowCommits { get; private set; }

    /// <summary>Takes one commit's duration.</summary>
    public void Observe(TimeSpan elapsed)
    {
        if (elapsed < _threshold)
        {
            return;
        }

        SlowCommits++;
        _pending++;
        if (elapsed > _pendingMax)
        {
            _pendingMax = elapsed;
        }

        long now = _time.GetTimestamp();
        if (_reported && now - _lastReport < _reportEveryTicks)
        {
            return;
        }

        Report(now);
    }

    /// <summary>Warns about slow commits held back since the last warning, if any (at shutdown: none goes unsaid).</summary>
    public void ReportPending()
    {
        if (_pending > 0)
        {
            Report(_time.GetTimestamp());
        }
    }

    private void Report(long now)
    {
        Log.SlowJournalCommits(_logger, _pending, Math.Round(_pendingMax.TotalMilliseconds, 1), _threshold.TotalMilliseconds);
        _reported = true;
        _lastReport = now;
        _pending = 0;
        _pendingMax = TimeSpan.Zero;
    }
}
