using System;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal.Replay;

/// <summary>
/// Logs the progress of long start-up work (journal replay, re-deciding the tail, index rebuilds): once the work has
/// run for <see cref="Interval"/> and then every interval after, one line with the events done, the total, the
/// percent, the rate and the estimated time left. Work that ends within the first interval logs nothing.
/// </summary>
/// <remarks>
/// Single-threaded: only the thread doing the work calls <see cref="Advance"/>. The rate is the average since the
/// start and the time left assumes it holds. <see cref="Advance"/> does not allocate; it reads the clock only every
/// <c>checkEvery</c> events, so a log line may come up to that many events after the interval is due.
/// </remarks>
public sealed class ProgressReporter
{
    /// <summary>How often progress is logged by default.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    /// <summary>Events between two looks at the clock by default: cheap next to a replay's per-event work.</summary>
    public const int DefaultCheckEvery = 4096;

    private readonly string _work;
    private readonly long _total;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _checkEvery;
    private readonly long _started;
    private long _done;
    private long _nextCheck;
    private TimeSpan _nextReport;

    /// <summary>Starts the clock for <paramref name="total"/> events of work named <paramref name="work"/> (e.g. "Replay").</summary>
    public ProgressReporter(string work, long total, ILogger logger, TimeProvider timeProvider, TimeSpan? interval = null, int checkEvery = DefaultCheckEvery)
    {
        ArgumentException.ThrowIfNullOrEmpty(work);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkEvery);
        Interval = interval ?? DefaultInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero, nameof(interval));
        _work = work;
        _total = total;
        _logger = logger;
        _time = timeProvider;
        _checkEvery = checkEvery;
        _started = timeProvider.GetTimestamp();
        _nextCheck = checkEvery;
        _nextReport = Interval;
    }

    /// <summary>The time between two progress lines (and before the first).</summary>
    public TimeSpan Interval { get; }

    /// <summary>The events done so far.</summary>
    public long Done => _done;

    /// <summary>Counts <paramref name="count"/> more events done; every <c>checkEvery</c> events, logs if a line is due.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(long count = 1)
    {
        _done += count;
        if (_done >= _nextCheck)
        {
            CheckClockSlow();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckClockSlow()
    {
        _nextCheck = _done + _checkEvery;
        TimeSpan elapsed = _time.GetElapsedTime(_started);
        if (elapsed < _nextReport)
        {
            return;
        }

        // The next line is due at the next multiple of the interval: a late check does not bring a burst of lines.
        while (_nextReport <= elapsed)
        {
            _nextReport += Interval;
        }

        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        double seconds = elapsed.TotalSeconds;
        double rate = _done / seconds;
        long left = Math.Max(0, _total - _done);
        double percent = Math.Round(_total == 0 ? 100 : Math.Min(100, _done * 100.0 / _total), 1);
        double secondsLeft = Math.Round(rate > 0 ? left / rate : double.PositiveInfinity, 1);
        double roundedRate = Math.Round(rate);
        double roundedSeconds = Math.Round(seconds, 1);
        Log.Progress(_logger, _work, _done, _total, percent, roundedRate, secondsLeft, roundedSeconds);
    }
}
