using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Pipeline.LoadGen;

namespace Pipeline.Peers;

/// <summary>
/// Appends the ledger mix through a peer's connections, closed loop (each connection keeps its window in flight,
/// a batch per append call) or open loop (the load generator's <see cref="OpenLoopSchedule"/>: event k is due at
/// start + k / rate on connection k mod N; latency from that intended time, so a system that falls behind is charged
/// for the wait, coordinated omission corrected).
/// </summary>
/// <remarks>
/// Open loop: one pacer thread hands due events to each connection's queue about every millisecond; each connection
/// has up to <see cref="IPeerSystem.MaxBatchesInFlight"/> senders taking up to a batch from its queue. The pacer stops
/// at the end; the senders then drain the queue for at most <see cref="DrainLimit"/>, and what is still queued after
/// it counts as unsent, its latency recorded as its wait so far (a lower bound).
/// </remarks>
internal sealed class AppendLoad
{
    /// <summary>How long the open loop's backlog may drain after the end before the rest counts as unsent.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(10);

    private readonly PeerOptions _options;
    private readonly IPeerSystem _system;
    private readonly IReadOnlyList<IPeerConnection> _connections;
    private readonly TimeProvider _time;
    private readonly long _measureStart;
    private readonly long _end;
    private long _acked;
    private long _errors;
    private long _unsent;
    private long _scheduled = -1;
    private string? _failure;

    private readonly PeerWorkload[] _workloads;

    /// <summary>Builds each connection's events, then starts the clock: the warm-up begins when this returns.</summary>
    public AppendLoad(PeerOptions options, IPeerSystem system, IReadOnlyList<IPeerConnection> connections, TimeProvider time)
    {
        _options = options;
        _system = system;
        _connections = connections;
        _time = time;
        _workloads = new PeerWorkload[connections.Count];
        for (int c = 0; c < connections.Count; c++)
        {
            _workloads[c] = new PeerWorkload(seed: 1, options.Accounts, c, connections.Count);
        }

        long startTimestamp = time.GetTimestamp();
        long frequency = time.TimestampFrequency;
        _measureStart = startTimestamp + (long)(options.Warmup.TotalSeconds * frequency);
        _end = _measureStart + (long)(options.Duration.TotalSeconds * frequency);
        Latency = new LatencySink(frequency);
        Service = new LatencySink(frequency);
        Start = startTimestamp;
    }

    public long Start { get; }

    public long MeasureStart => _measureStart;

    public long End => _end;

    /// <summary>Append latency: from the intended time (open) or the send (closed).</summary>
    public LatencySink Latency { get; }

    /// <summary>Open loop: from the actual send.</summary>
    public LatencySink Service { get; }

    /// <summary>Measured events acknowledged.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    public long Errors => Interlocked.Read(ref _errors);

    public long Unsent => Interlocked.Read(ref _unsent);

    /// <summary>Measured events: closed loop, those sent in the measured part (all acknowledged: a failed append stops its loop); open loop, those scheduled in it.</summary>
    public long MeasuredEvents => _scheduled >= 0 ? _scheduled : Acked;

    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>Events in flight per connection in closed loop: the window, capped by the client's limit.</summary>
    public int BatchesInFlight => Math.Max(1, Math.Min(_system.MaxBatchesInFlight, _options.Window / _options.Batch));

    public Task RunClosedAsync(CancellationToken cancellationToken)
    {
        var loops = new List<Task>();
        for (int c = 0; c < _connections.Count; c++)
        {
            for (int j = 0; j < BatchesInFlight; j++)
            {
                loops.Add(ClosedLoopAsync(_connections[c], _workloads[c], cancellationToken));
            }
        }

        return Task.WhenAll(loops);
    }

    private async Task ClosedLoopAsync(IPeerConnection connection, PeerWorkload workload, CancellationToken cancellationToken)
    {
        var batch = new PeerEvent[_options.Batch];
        while (!cancellationToken.IsCancellationRequested)
        {
            long sent = _time.GetTimestamp();
            if (sent >= _end)
            {
                return;
            }

            for (int i = 0; i < batch.Length; i++)
            {
                batch[i] = workload.Next() with { Timestamp = sent };
            }

            if (!await TryAppendAsync(connection, batch, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            long acked = _time.GetTimestamp();
            if (sent >= _measureStart)
            {
                Latency.Record(acked - sent, batch.Length);
                Interlocked.Add(ref _acked, batch.Length);
            }
        }
    }

    public async Task RunOpenAsync(CancellationToken cancellationToken)
    {
        var schedule = new OpenLoopSchedule(_options.Rate, Start, _time.TimestampFrequency, _connections.Count);
        long total = schedule.CountBefore(_end);
        _scheduled = total - schedule.CountBefore(_measureStart);
        var queues = new Channel<long>[_connections.Count];
        var senders = new List<Task>();
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (int c = 0; c < _connections.Count; c++)
        {
            queues[c] = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleWriter = true });
            for (int j = 0; j < Math.Max(1, _system.MaxBatchesInFlight); j++)
            {
                senders.Add(OpenSenderAsync(_connections[c], _workloads[c], queues[c].Reader, schedule, stopSending.Token));
            }
        }

        await PaceAsync(schedule, total, queues, cancellationToken).ConfigureAwait(false);
        foreach (Channel<long> queue in queues)
        {
            queue.Writer.TryComplete();
        }

        // The backlog drains for a bounded time; then the senders stop taking, finish what they have in flight, and
        // what is left in the queues is unsent.
        Task all = Task.WhenAll(senders);
        if (await Task.WhenAny(all, Task.Delay(DrainLimit, _time, cancellationToken)).ConfigureAwait(false) != all)
        {
            await stopSending.CancelAsync().ConfigureAwait(false);
            await all.ConfigureAwait(false);
        }

        long now = _time.GetTimestamp();
        foreach (Channel<long> queue in queues)
        {
            while (queue.Reader.TryRead(out long k))
            {
                long intended = schedule.IntendedTime(k);
                if (intended >= _measureStart)
                {
                    Interlocked.Increment(ref _unsent);
                    Latency.Record(now - intended);
                }
            }
        }
    }

    // On its own thread, as the load generator's pacer: the thread pool's timers and queue must not delay the schedule.
    private Task PaceAsync(OpenLoopSchedule schedule, long total, Channel<long>[] queues, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pacer = new Thread(() =>
        {
            long sent = 0;
            while (sent < total && !cancellationToken.IsCancellationRequested)
            {
                long due = Math.Min(schedule.DueCount(_time.GetTimestamp()), total);
                for (; sent < due; sent++)
                {
                    queues[schedule.ConnectionOf(sent)].Writer.TryWrite(sent);
                }

                if (sent < total)
                {
                    // About a millisecond: what fell due meanwhile goes out at once, its lateness counted (latency
                    // is from the intended time).
                    Thread.Sleep(1);
                }
            }

            done.TrySetResult();
        })
        {
            Name = "peers-pacer",
            IsBackground = true,
        };
        pacer.Start();
        return done.Task;
    }

    private async Task OpenSenderAsync(IPeerConnection connection, PeerWorkload workload, ChannelReader<long> queue, OpenLoopSchedule schedule, CancellationToken stop)
    {
        var batch = new PeerEvent[_options.Batch];
        var indexes = new long[_options.Batch];
        try
        {
            while (true)
            {
                // ReadAsync wakes one sender per event (WaitToReadAsync would wake them all to race for it).
                indexes[0] = await queue.ReadAsync(stop).ConfigureAwait(false);
                int count = 1;
                while (count < batch.Length && queue.TryRead(out long k))
                {
                    indexes[count++] = k;
                }

                long sent = _time.GetTimestamp();
                for (int i = 0; i < count; i++)
                {
                    batch[i] = workload.Next() with { Timestamp = sent };
                }

                if (!await TryAppendAsync(connection, batch.AsMemory(0, count), CancellationToken.None).ConfigureAwait(false))
                {
                    return;
                }

                long acked = _time.GetTimestamp();
                if (sent >= _measureStart && sent < _end)
                {
                    Service.Record(acked - sent, count);
                }
                for (int i = 0; i < count; i++)
                {
                    long intended = schedule.IntendedTime(indexes[i]);
                    if (intended >= _measureStart && intended < _end)
                    {
                        Latency.Record(acked - intended);
                        Interlocked.Increment(ref _acked);
                    }
                }
            }
        }
        catch (ChannelClosedException)
        {
            // The pacer is done and the queue is empty.
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The drain limit passed: what is still queued is counted as unsent by the caller.
        }
    }

    private async Task<bool> TryAppendAsync(IPeerConnection connection, ReadOnlyMemory<PeerEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await connection.AppendAsync(events, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Add(ref _errors, events.Length);
            Interlocked.CompareExchange(ref _failure, $"append failed: {ex.GetType().Name}: {ex.Message}", null);
            return false;
        }
    }
}
