using System;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.LoadGen;

/// <summary>
/// One connection's bookkeeping: counts what was sent and what came back, records each ACK's latency (from the
/// intended send time) and service time (from the actual send), and signals when every sent command is answered.
/// </summary>
/// <remarks>
/// The intended time of a command comes from the schedule (open loop: the n-th ACK of connection c answers command
/// <c>c + n * connections</c>, since a connection's ACKs come in publish order) or is the batch's send time (closed
/// loop: there is no schedule). The send time travels as the batch's token, so nothing is stored per command.
/// </remarks>
// Design: OnAck/OnFailed run on the client's receive loop (one at a time); Send-side calls (OnSending,
// OnPublishFailed) on the pacer thread or under the closed loop's per-connection lock; Finish and the readers of the
// counters on the driver or progress thread.
//   _acked, _recorder, _maxSequence: receive loop only (read by others only after Drained completed, which orders them).
//   _ok, _rejected: receive loop writes (single writer, Volatile.Write); the progress thread reads a value at most one
//     ACK old, which is fine for a once-a-second rate.
//   _sent, _measuredSent, _errors, _completed: several writers, so Interlocked.
//   _target: Finish writes it (Interlocked.Exchange, a full fence) then reads _completed; Complete adds to _completed
//     (Interlocked, a full fence) then reads _target. With both fences at least one side sees the other's write, so
//     Drained is signalled exactly when the last sent command is answered, whichever thread gets there last.
internal sealed class ConnectionTracker : IAckObserver
{
    private readonly int _connection;
    private readonly OpenLoopSchedule? _schedule;
    private readonly TimeProvider _time;
    private readonly long _measureFrom;
    private readonly LatencyRecorder _recorder;
    private readonly SequenceTimes? _times;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _acked;
    private long _maxSequence;
    private long _ok;
    private long _rejected;
    private long _sent;
    private long _measuredSent;
    private long _errors;
    private long _completed;
    private long _target = long.MaxValue;
    private string? _firstFailure;

    /// <param name="connection">The connection's index (open loop: its place in the round robin).</param>
    /// <param name="schedule">The open loop's schedule; null in closed loop.</param>
    /// <param name="time">The clock of the schedule and the tokens.</param>
    /// <param name="measureFrom">Commands intended before this timestamp are warm-up: counted, not recorded.</param>
    /// <param name="times">Where each acknowledged command's send and ACK times go, by sequence (for the subscribers); null: nowhere.</param>
    public ConnectionTracker(int connection, OpenLoopSchedule? schedule, TimeProvider time, long measureFrom, SequenceTimes? times = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _connection = connection;
        _schedule = schedule;
        _time = time;
        _measureFrom = measureFrom;
        _times = times;
        _recorder = new LatencyRecorder(time.TimestampFrequency, trackService: schedule is not null, measureFrom);
    }

    public LatencyRecorder Recorder => _recorder;

    /// <summary>Measured OK or REJECTED ACKs.</summary>
    public long Acks => Volatile.Read(ref _ok);

    /// <summary>Measured REJECTED ACKs (the ledger's rules; a normal part of the mix).</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>INVALID, DUPLICATE, failed or unanswered commands, warm-up included.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Commands sent at or after the start of the measured part.</summary>
    public long MeasuredSent => Interlocked.Read(ref _measuredSent);

    /// <summary>Commands answered (ACK or failure), warm-up included.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>The highest global sequence acknowledged (valid once <see cref="Drained"/> completed).</summary>
    public long MaxSequence => _maxSequence;

    /// <summary>The first failure's message, if any.</summary>
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    /// <summary>Completes once <see cref="Finish"/> was called and every command sent before it is answered.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Called before a batch is published.</summary>
    public void OnSending(int count, long sentTimestamp)
    {
        Interlocked.Add(ref _sent, count);
        if (sentTimestamp >= _measureFrom)
        {
            Interlocked.Add(ref _measuredSent, count);
        }
    }

    /// <summary>The publish threw (the connection had failed): none of the batch will be answered.</summary>
    public void OnPublishFailed(int count, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        NoteFailure("publish failed: " + failure.Message);
        Interlocked.Add(ref _errors, count);
        Complete(count);
    }

    public void OnAck(long token, int index, ulong sequence, AckStatus status, ReadOnlySpan<byte> detail)
    {
        long now = _time.GetTimestamp();
        long nth = _acked++;
        if (status is AckStatus.Ok or AckStatus.Rejected)
        {
            long intended = _schedule is null ? token : _schedule.IntendedTime(_schedule.CommandOf(_connection, nth));
            if (intended >= _measureFrom)
            {
                _recorder.Record(intended, token, now);
                Volatile.Write(ref _ok, _ok + 1);
                if (status == AckStatus.Rejected)
                {
                    Volatile.Write(ref _rejected, _rejected + 1);
                }
            }

            // Warm-up too: a subscriber may receive a warm-up command's events in the measured part.
            _times?.Record((long)sequence, token, now);
            if ((long)sequence > _maxSequence)
            {
                _maxSequence = (long)sequence;
            }
        }
        else
        {
            NoteFailureSlow(status, detail);
            Interlocked.Increment(ref _errors);
        }

        Complete(1);
    }

    public void OnFailed(long token, int index, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        NoteFailure("connection failed: " + failure.Message);
        Interlocked.Increment(ref _errors);
        Complete(1);
    }

    /// <summary>No more sends: <see cref="Drained"/> completes once everything sent is answered.</summary>
    public void Finish()
    {
        long target = Interlocked.Read(ref _sent);
        Interlocked.Exchange(ref _target, target);
        if (Interlocked.Read(ref _completed) >= target)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>After the drain timed out: the commands never answered count as errors. Returns how many.</summary>
    public long CountMissing()
    {
        long missing = Math.Max(0, Interlocked.Read(ref _sent) - Interlocked.Read(ref _completed));
        if (missing > 0)
        {
            NoteFailure(missing + " commands got no ACK");
            Interlocked.Add(ref _errors, missing);
        }

        return missing;
    }

    private void Complete(int count)
    {
        if (Interlocked.Add(ref _completed, count) >= Volatile.Read(ref _target))
        {
            _drained.TrySetResult();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NoteFailureSlow(AckStatus status, ReadOnlySpan<byte> detail)
    {
        // Only the first failure is kept: no string per error in an error storm.
        if (Volatile.Read(ref _firstFailure) is null)
        {
            NoteFailure(status.ToString().ToUpperInvariant() + " " + Encoding.UTF8.GetString(detail));
        }
    }

    private void NoteFailure(string text) => Interlocked.CompareExchange(ref _firstFailure, text, null);
}
