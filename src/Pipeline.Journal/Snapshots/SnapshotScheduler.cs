using System;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal.Snapshots;

/// <summary>
/// Takes a snapshot every N events: the stateful handler calls <see cref="OnApplied"/> after each event; the
/// capture runs there, between two events, and the serialization and the atomic write run on a background thread.
/// </summary>
/// <remarks>
/// <see cref="OnApplied"/> and <see cref="WriteNow"/> are for the stateful handler's thread. A capture due while
/// the previous one is still being written is skipped (counted in <see cref="Skipped"/>), so a slow disk never
/// stalls ingest. A failed write is logged and counted; the journal still holds everything.
/// A snapshot is written only once the journal holds its events durably (see the constructor's
/// <c>durableSequence</c>): the stateful handler may run ahead of the journal's fsync (e.g. under
/// <see cref="DurabilityPolicy.Interval"/>), and a snapshot of events that a crash then loses from the journal would
/// make the restarted state differ from the journal's replay.
/// </remarks>
// Design: _pending is handed from the handler thread to the writer thread with Interlocked.CompareExchange (null
// means the slot is free); the writer thread clears it after the write. _lastWritten is written by whichever
// thread wrote a snapshot (Interlocked max) and read by anyone.
public sealed class SnapshotScheduler : IDisposable
{
    private readonly ISnapshotStore _store;
    private readonly long _intervalEvents;
    private readonly ILogger _logger;
    private readonly Action<SnapshotInfo>? _onWritten;
    private readonly Func<long>? _durableSequence;
    private readonly AutoResetEvent _work = new(false);
    private readonly Thread _writer;
    private volatile bool _stopping;
    private PendingSnapshot? _pending;
    private long _lastCaptured;
    private long _lastWritten;
    private long _skipped;
    private long _failed;

    /// <summary>
    /// Creates a scheduler writing to <paramref name="store"/> every <paramref name="intervalEvents"/> events
    /// (counted from <paramref name="startSequence"/>, the sequence the state reflects at start-up).
    /// <paramref name="onWritten"/> runs on the background thread after each write (e.g. journal retention).
    /// <paramref name="durableSequence"/> gives the journal's durable sequence: a background write waits until it
    /// reaches the snapshot's sequence (null: every applied event is already durable).
    /// </summary>
    public SnapshotScheduler(ISnapshotStore store, long intervalEvents, long startSequence = 0, ILogger? logger = null, Action<SnapshotInfo>? onWritten = null, Func<long>? durableSequence = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalEvents);
        _store = store;
        _intervalEvents = intervalEvents;
        _lastCaptured = startSequence;
        _lastWritten = startSequence;
        _logger = logger ?? NullLogger.Instance;
        _onWritten = onWritten;
        _durableSequence = durableSequence;
        _writer = new Thread(RunWriter) { Name = "snapshot-writer", IsBackground = true };
        _writer.Start();
    }

    /// <summary>The sequence of the newest snapshot written (or the start sequence).</summary>
    public long LastWrittenSequence => Interlocked.Read(ref _lastWritten);

    /// <summary>Captures skipped because the previous snapshot was still being written.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Snapshot writes that failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Called after the event at <paramref name="sequence"/> was applied; captures if one is due. Returns whether it captured.</summary>
    public bool OnApplied(long sequence, long timestampTicks, ISnapshotable state)
    {
        if (sequence - _lastCaptured < _intervalEvents)
        {
            return false;
        }

        return CaptureSlow(sequence, timestampTicks, state);
    }

    private bool CaptureSlow(long sequence, long timestampTicks, ISnapshotable state)
    {
        if (Volatile.Read(ref _pending) is not null)
        {
            Interlocked.Increment(ref _skipped);
            _lastCaptured = sequence; // try again one interval later, not on every event
            return false;
        }

        var pending = new PendingSnapshot(sequence, timestampTicks, state.CaptureSnapshot());
        _lastCaptured = sequence;
        Volatile.Write(ref _pending, pending);
        _work.Set();
        return true;
    }

    /// <summary>
    /// Writes a snapshot now, on the calling thread, after any pending background write (e.g. the final snapshot
    /// at shutdown). Throws if the write fails.
    /// </summary>
    public SnapshotInfo WriteNow(long sequence, long timestampTicks, ISnapshotable state)
    {
        ArgumentNullException.ThrowIfNull(state);
        WaitForPending(Timeout.InfiniteTimeSpan);
        ISnapshotCapture capture = state.CaptureSnapshot();
        _lastCaptured = sequence;
        SnapshotInfo info = _store.Write(sequence, timestampTicks, capture);
        RecordWritten(info);
        return info;
    }

    /// <summary>Waits until no background write is pending; false on timeout.</summary>
    public bool WaitForPending(TimeSpan timeout)
    {
        var spinner = default(SpinWait);
        long start = Environment.TickCount64;
        while (Volatile.Read(ref _pending) is not null)
        {
            if (timeout != Timeout.InfiniteTimeSpan && Environment.TickCount64 - start > timeout.TotalMilliseconds)
            {
                return false;
            }

            spinner.SpinOnce(sleep1Threshold: 20);
        }

        return true;
    }

    private void RunWriter()
    {
        // Sorting, serializing and hashing a snapshot takes 7-35 ms of CPU (the first ones run unoptimized code); on a
        // small machine that CPU should go to the pipeline's stages first.
        BackgroundPriority.LowerCurrentThread();

        while (true)
        {
            _work.WaitOne();
            PendingSnapshot? pending = Volatile.Read(ref _pending);
            if (pending is not null)
            {
                try
                {
                    if (WaitUntilDurable(pending.Sequence))
                    {
                        RecordWritten(_store.Write(pending.Sequence, pending.TimestampTicks, pending.Capture));
                    }
                    else
                    {
                        // Stopping before the journal made these events durable: this snapshot must not exist.
                        Interlocked.Increment(ref _skipped);
                        Log.SnapshotNotDurable(_logger, pending.Sequence);
                    }
                }
#pragma warning disable CA1031 // A failed snapshot must not kill the writer thread: the journal still has every event.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Interlocked.Increment(ref _failed);
                    Log.SnapshotFailed(_logger, ex, pending.Sequence);
                }
                finally
                {
                    Volatile.Write(ref _pending, null);
                }
            }

            if (_stopping)
            {
                return;
            }
        }
    }

    // Writer thread. Polls: a snapshot is due once per IntervalEvents, and the journal's fsync is at most one flush
    // interval behind, so this waits a few milliseconds at most, on a background thread; nothing to signal it cheaply.
    private bool WaitUntilDurable(long sequence)
    {
        if (_durableSequence is null)
        {
            return true;
        }

        var spinner = default(SpinWait);
        while (_durableSequence() < sequence)
        {
            if (_stopping)
            {
                return _durableSequence() >= sequence;
            }

            spinner.SpinOnce(sleep1Threshold: 20);
        }

        return true;
    }

    private void RecordWritten(SnapshotInfo info)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _lastWritten);
            if (info.Sequence <= current)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _lastWritten, info.Sequence, current) != current);

        try
        {
            _onWritten?.Invoke(info);
        }
#pragma warning disable CA1031 // The hook (retention) failing must not undo a good snapshot; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SnapshotFailed(_logger, ex, info.Sequence);
        }
    }

    /// <summary>Finishes a pending write, then stops the background thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _work.Set();
        _writer.Join();
        _work.Dispose();
    }

    private sealed record PendingSnapshot(long Sequence, long TimestampTicks, ISnapshotCapture Capture);
}
