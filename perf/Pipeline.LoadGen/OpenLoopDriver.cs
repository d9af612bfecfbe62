using System;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

/// <summary>
/// The open loop's pacer: one thread for all connections follows the <see cref="OpenLoopSchedule"/>, wakes about
/// every millisecond and sends each connection's due commands as one batch.
/// </summary>
/// <remarks>
/// Sleeping, not spinning: on a 2-core machine a spinning pacer (or a thread per connection) takes CPU from the
/// server. A command sent late by the pacer's wake-up granularity counts its lateness: latency is measured from the
/// intended time. <see cref="PaceOnce"/> is the whole pacing step, driven by a real clock in a run or a fake one in a test.
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
    private long _next;

    /// <param name="schedule">The plan; its connection count matches the senders.</param>
    /// <param name="endTimestamp">No command intended at or after this is sent.</param>
    /// <param name="senders">One per connection.</param>
    /// <param name="workloads">One per connection: each connection's commands come from its own workload.</param>
    public OpenLoopDriver(OpenLoopSchedule schedule, long endTimestamp, IBatchSender[] senders, LedgerWorkload[] workloads)
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
    }

    /// <summary>Commands in the schedule up to the end.</summary>
    public long Total => _total;

    /// <summary>Commands handed to the senders so far.</summary>
    public long Sent => Volatile.Read(ref _next);

    /// <summary>Sends every command due at <paramref name="now"/>, one batch per connection (more for a big backlog).</summary>
    /// <returns>The intended time of the next command, or <see cref="long.MaxValue"/> once all are sent.</returns>
    public long PaceOnce(long now)
    {
        long due = Math.Min(_schedule.DueCount(now), _total);
        int connections = _senders.Length;
        while (_next < due)
        {
            long until = Math.Min(due, _next + ((long)MaxBatch * connections));
            int c = _schedule.ConnectionOf(_next);
            for (long k = _next; k < until; k++)
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

            Volatile.Write(ref _next, until);
        }

        return _next < _total ? _schedule.IntendedTime(_next) : long.MaxValue;
    }

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

                    // Always sleep between rounds, even when the next command is already due: at a high rate one is due
                    // every few microseconds, and sending each as soon as it is due made this thread a busy loop of
                    // tiny sends (86k send calls/s at 250k commands/s, 60% of a core, taken from the server). About
                    // 1 ms on Linux (1 ms plus the timer slack); what fell due meanwhile goes out as one batch per
                    // connection, and its lateness counts in the latency (measured from the intended time).
                    Thread.Sleep(1);
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
}
