using System;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.LoadGen;

/// <summary>
/// One closed-loop connection: keeps <c>window</c> commands in flight in batches of <c>batch</c>; every
/// <c>batch</c> ACKs (the oldest batch answered, since ACKs come in order) it sends the next batch, from the
/// receive loop itself, until the end time or the command limit.
/// </summary>
/// <remarks>No thread and no task of its own: the first window goes out from <see cref="Start"/>, the rest from the ACKs.</remarks>
// Design: _gate serializes the sends (Start on the driver thread, refills on the receive loop, Stop on the driver
// thread), so the workload cursor, _sentCount, _stopped and the reused batch array have one writer at a time; it is
// taken once per batch, not per command. _sinceRefill is the receive loop's own.
internal sealed class ClosedLoopConnection : IAckObserver
{
    private readonly object _gate = new();
    private readonly ConnectionTracker _tracker;
    private readonly LedgerWorkload _workload;
    private readonly TimeProvider _time;
    private readonly int _window;
    private readonly int _batch;
    private readonly long _end;
    private readonly long _limit;
    private readonly (string Type, ReadOnlyMemory<byte> Payload)[] _commands;
    private IBatchSender? _sender;
    private long _sentCount;
    private int _sinceRefill;
    private bool _stopped;

    /// <param name="tracker">Counts and records this connection's commands (closed loop: no schedule).</param>
    /// <param name="workload">Where the commands come from.</param>
    /// <param name="time">The clock of the tracker.</param>
    /// <param name="window">Commands in flight.</param>
    /// <param name="batch">Commands per batch.</param>
    /// <param name="endTimestamp">No batch is sent at or after this.</param>
    /// <param name="commandLimit">No more than this many commands are sent (long.MaxValue: no limit).</param>
    public ClosedLoopConnection(ConnectionTracker tracker, LedgerWorkload workload, TimeProvider time, int window, int batch, long endTimestamp, long commandLimit)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, batch);
        _tracker = tracker;
        _workload = workload;
        _time = time;
        _window = window;
        _batch = batch;
        _end = endTimestamp;
        _limit = commandLimit;
        _commands = new (string, ReadOnlyMemory<byte>)[batch];
    }

    public ConnectionTracker Tracker => _tracker;

    /// <summary>Sends the first window (window / batch batches).</summary>
    public void Start(IBatchSender sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        lock (_gate)
        {
            _sender = sender;
            for (int i = 0; i < _window / _batch; i++)
            {
                if (!TrySendLocked())
                {
                    StopLocked();
                    return;
                }
            }
        }
    }

    /// <summary>No more batches; the tracker drains what is in flight.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            StopLocked();
        }
    }

    public void OnAck(long token, int index, ulong sequence, AckStatus status, ReadOnlySpan<byte> detail)
    {
        _tracker.OnAck(token, index, sequence, status, detail);
        if (++_sinceRefill < _batch)
        {
            return;
        }

        _sinceRefill = 0;
        lock (_gate)
        {
            if (!_stopped && !TrySendLocked())
            {
                StopLocked();
            }
        }
    }

    public void OnFailed(long token, int index, Exception failure) => _tracker.OnFailed(token, index, failure);

    private bool TrySendLocked()
    {
        long now = _time.GetTimestamp();
        if (_stopped || now >= _end || _sentCount >= _limit || _sender is null)
        {
            return false;
        }

        int count = (int)Math.Min(_batch, _limit - _sentCount);
        for (int i = 0; i < count; i++)
        {
            _commands[i] = _workload.Next();
        }

        _sentCount += count;
        _sender.Send(_commands.AsSpan(0, count), now);
        if (_sentCount >= _limit)
        {
            // The last batch: stop now, since a short last batch may never make a whole batch of ACKs to refill on.
            StopLocked();
        }

        return true;
    }

    private void StopLocked()
    {
        if (!_stopped)
        {
            _stopped = true;
            _tracker.Finish();
        }
    }
}
