using System;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

/// <summary>
/// The open loop's pacer: one thread for all connections follows the <see cref="OpenLoopSchedule"/> and hands each
/// connection its due commands as one batch. Shared pacing: one round about every millisecond writes every
/// connection at the same instant. Spread pacing: the thread wakes at the next connection's slot
/// (<see cref="SpreadSlots"/>) and writes only the connections whose slot has come, so the writes are spread over
/// the millisecond.
/// </summary>
/// <remarks>
/// Sleeping, not spinning: on a 2-core machine a spinning pacer (or a thread per connection) takes CPU from the
/// server. A command sent late by the pacer's wake-up granularity (or, spread, by the wait for its connection's
/// slot) counts its lateness: latency is measured from the intended time, the same in both pacings.
/// <see cref="PaceOnce"/> is the whole pacing step, driven by a real clock in a run or a fake one in a test.
/// </remarks>
// Design: every field is owned by the pacing thread (or the test's thread calling PaceOnce); Sent is read by the
// progress thread through Volatile.Read and may be one round old.
internal sealed class OpenLoopDriver
{
    /// <summary>Most commands handed to one connection in one send, so a late pacer sends a backlog in bounded batches.</summary>
    public const int MaxBatch = 4096;

    private readonly OpenLoopSchedule _schedule;
    private readonly IBatchSender[] _senders;
    private readonly LedgerWorkload[] _workloads;
    private readonly (string Type, ReadOnlyMemory<byte> Payload)[][] _batches;
    private readonly int[] _counts;
    private readonly long _total;
    private readonly SpreadSlots? _slots;
    private readonly long[] _sentOf;
    private readonly long[] _totalOf;
    private readonly long[] _nextSlot;

    // Commands handed to the senders; with the shared pacing also the next command's index (they go out in order).
    private long _sent;

    /// <param name="schedule">The plan; its connection count matches the senders.</param>
    /// <param name="endTimestamp">No command intended at or after this is sent.</param>
    /// <param name="senders">One per connection.</param>
    /// <param name="workloads">One per connection: each connection's commands come from its own workload.</param>
    /// <param name="pacing">Shared (one round for all connections) or spread (a slot per connection, see <see cref="SpreadSlots"/>).</param>
    public OpenLoopDriver(OpenLoopSchedule schedule, long endTimestamp, IBatchSender[] senders, LedgerWorkload[] workloads, OpenLoopPacing pacing = OpenLoopPacing.Shared)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(senders);
        ArgumentNullException.ThrowIfNull(workloads);
        if (senders.Length != schedule.Connections || workloads.Length != schedule.Connections)
        {
            throw new ArgumentException("one sender and one workload per connection of the schedule", nameof(senders));
        }

        _schedule = schedule;
        _senders = senders;
        _workloads = workloads;
        _total = schedule.CountBefore(endTimestamp);
        _batches = new (string, ReadOnlyMemory<byte>)[senders.Length][];
        for (int c = 0; c < senders.Length; c++)
        {
            _batches[c] = new (string, ReadOnlyMemory<byte>)[MaxBatch];
        }

        _counts = new int[senders.Length];
        Pacing = pacing;
        _sentOf = new long[senders.Length];
        _totalOf = new long[senders.Length];
        _nextSlot = new long[senders.Length];
        if (pacing == OpenLoopPacing.Spread)
        {
            _slots = SpreadSlots.For(schedule);
            for (int c = 0; c < senders.Length; c++)
            {
                _totalOf[c] = schedule.CountOf(c, _total);
                _nextSlot[c] = NextSlot(c, after: long.MinValue);
            }
        }
    }

    public OpenLoopPacing Pacing { get; }

    /// <summary>Commands in the schedule up to the end.</summary>
    public long Total => _total;

    /// <summary>Commands handed to the senders so far.</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>
    /// Sends every command due at <paramref name="now"/>: shared, on every connection; spread, on the connections
    /// whose slot has come. One batch per connection (more for a big backlog).
    /// </summary>
    /// <returns>
    /// <see cref="long.MaxValue"/> once all are sent; otherwise, shared: the intended time of the next command;
    /// spread: the next slot at which a connection has a command due (the time to wake up).
    /// </returns>
    public long PaceOnce(long now) => _slots is null ? PaceShared(now) : PaceSpread(now);

    /// <summary>Runs the pacer on its own thread until every command is sent (or cancellation).</summary>
    public Task RunAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pacer = new Thread(() =>
        {
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    long next = PaceOnce(time.GetTimestamp());
                    if (next == long.MaxValue)
                    {
                        break;
                    }

                    if (_slots is null)
                    {
                        // Always sleep between rounds, even when the next command is already due: at a high rate one is
                        // due every few microseconds, and sending each as soon as it is due made this thread a busy loop
                        // of tiny sends (86k send calls/s at 250k commands/s, 60% of a core, taken from the server).
                        // About 1 ms on Linux (1 ms plus the timer slack); what fell due meanwhile goes out as one batch
                        // per connection, and its lateness counts in the latency (measured from the intended time).
                        Thread.Sleep(1);
                    }
                    else
                    {
                        // Until the next connection's slot (a fraction of a millisecond away). No busy loop: every
                        // slot that had come was served, so the next one is after the time this round started, and
                        // there are at most N slots per period. Waking late (timer slack, about 50 µs on Linux) only
                        // delays this slot's sends, and that lateness counts in the latency.
                        PreciseSleep.Until(time, next);
                    }
                }

                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            Name = "loadgen-pacer",
            IsBackground = true,
        };
        pacer.Start();
        return done.Task;
    }

    private long PaceShared(long now)
    {
        long due = Math.Min(_schedule.DueCount(now), _total);
        int connections = _senders.Length;
        while (_sent < due)
        {
            long until = Math.Min(due, _sent + ((long)MaxBatch * connections));
            int c = _schedule.ConnectionOf(_sent);
            for (long k = _sent; k < until; k++)
            {
                _batches[c][_counts[c]++] = _workloads[c].Next();
                if (++c == connections)
                {
                    c = 0;
                }
            }

            for (c = 0; c < connections; c++)
            {
                if (_counts[c] > 0)
                {
                    _senders[c].Send(_batches[c].AsSpan(0, _counts[c]), now);
                    _counts[c] = 0;
                }
            }

            Volatile.Write(ref _sent, until);
        }

        return _sent < _total ? _schedule.IntendedTime(_sent) : long.MaxValue;
    }

    private long PaceSpread(long now)
    {
        long due = Math.Min(_schedule.DueCount(now), _total);
        long wake = long.MaxValue;
        for (int c = 0; c < _senders.Length; c++)
        {
            if (_nextSlot[c] <= now)
            {
                // The connection's slot has come: everything of it due by now, in its order (the tracker matches the
                // n-th ACK of the connection to its n-th command).
                long until = _schedule.CountOf(c, due);
                while (_sentOf[c] < until)
                {
                    int count = (int)Math.Min(MaxBatch, until - _sentOf[c]);
                    (string Type, ReadOnlyMemory<byte> Payload)[] batch = _batches[c];
                    for (int i = 0; i < count; i++)
                    {
                        batch[i] = _workloads[c].Next();
                    }

                    _senders[c].Send(batch.AsSpan(0, count), now);
                    _sentOf[c] += count;
                    Volatile.Write(ref _sent, _sent + count);
                }

                _nextSlot[c] = NextSlot(c, now);
            }

            wake = Math.Min(wake, _nextSlot[c]);
        }

        return wake;
    }

    // The connection's first slot after `after` at which its next command is due; MaxValue when it has sent them all.
    private long NextSlot(int connection, long after)
    {
        long nth = _sentOf[connection];
        if (nth >= _totalOf[connection])
        {
            return long.MaxValue;
        }

        long intended = _schedule.IntendedTime(_schedule.CommandOf(connection, nth));
        return _slots!.FirstAtOrAfter(connection, Math.Max(intended, after + 1));
    }
}
