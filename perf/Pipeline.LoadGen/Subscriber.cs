using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using HdrHistogram;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.LoadGen;

/// <summary>
/// One subscribing client of a load run: reads every event (protocol version 3, no filter) from where it was told,
/// counts what it receives and times each live event of the measured part against its command's ACK (durable ->
/// received) and send (sent -> received), as <see cref="SequenceTimes"/> recorded them. Live: every event of a
/// subscription from the end (each became visible after it started, whether or not the subscriber keeps up, so a
/// subscriber that falls behind shows it in the latency); from the start, the events after its CAUGHT_UP.
/// </summary>
/// <remarks>
/// An event received before the publisher recorded its command's ACK counts 0 µs in the durable histogram and is
/// counted in <see cref="BeforeAck"/>; its send -> received time is taken at the end, once every ACK is recorded
/// (the list that keeps those grows by doubling, not per event).
/// </remarks>
// Design: RunAsync's enumeration (one task at a time) is the only writer of every field. The driver reads
// LastPosition and CaughtUp while it runs (Volatile: a value at most one event old is fine for a lag or a wait),
// and the rest only after RunAsync completed, which orders them.
internal sealed class Subscriber
{
    private readonly int _index;
    private readonly PipelineClient _client;
    private readonly SequenceTimes _times;
    private readonly TimeProvider _time;
    private readonly double _microsecondsPerTick;
    private readonly List<(long Sequence, long Received)> _beforeAck = new(256);
    private long _lastPosition;
    private bool _caughtUp;

    public Subscriber(int index, PipelineClient client, SequenceTimes times, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(time);
        _index = index;
        _client = client;
        _times = times;
        _time = time;
        _microsecondsPerTick = 1_000_000.0 / time.TimestampFrequency;
        Durable = new LongHistogram(LatencyRecorder.HighestTrackableMicroseconds, 3);
        SendToReceive = new LongHistogram(LatencyRecorder.HighestTrackableMicroseconds, 3);
    }

    public int Index => _index;

    public PipelineClient Client => _client;

    /// <summary>Durable (the publisher saw the ACK) -> received, µs: live events of the measured part.</summary>
    public LongHistogram Durable { get; }

    /// <summary>Sent by the publisher -> received, µs: the same events.</summary>
    public LongHistogram SendToReceive { get; }

    /// <summary>The position of the last event received (0: none yet).</summary>
    public long LastPosition => Volatile.Read(ref _lastPosition);

    /// <summary>True once the subscription's CAUGHT_UP came.</summary>
    public bool CaughtUp => Volatile.Read(ref _caughtUp);

    /// <summary>Events received in all.</summary>
    public long Received { get; private set; }

    /// <summary>Events received in the measured part (caught up or not).</summary>
    public long MeasuredReceived { get; private set; }

    /// <summary>Live events of the measured part received before their command's ACK was recorded (timed as 0).</summary>
    public long BeforeAck { get; private set; }

    /// <summary>Live events of the measured part whose command has no recorded ACK even at the end (another producer's, or lost).</summary>
    public long Untimed { get; private set; }

    /// <summary>Why the subscription ended other than by the stop, or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Subscribes and reads until <paramref name="cancellationToken"/> (the normal stop) or a failure.</summary>
    /// <param name="start">Beginning or End.</param>
    /// <param name="credits">The credit window.</param>
    /// <param name="measureFrom">Events received from here ...</param>
    /// <param name="end">... to here are the measured part.</param>
    public async Task RunAsync(SubscriptionStart start, int credits, long measureFrom, long end, CancellationToken cancellationToken)
    {
        try
        {
            var options = new SubscriptionOptions { Start = start, Credits = credits };
            await foreach (SubscriptionItem item in _client.SubscribeAsync(options, cancellationToken).ConfigureAwait(false))
            {
                long now = _time.GetTimestamp();
                switch (item.Kind)
                {
                    case SubscriptionItemKind.Event:
                        OnEvent(item, now, measureFrom, end, live: start == SubscriptionStart.End || _caughtUp);
                        break;
                    case SubscriptionItemKind.CaughtUp:
                        Volatile.Write(ref _caughtUp, true);
                        break;
                    default:
                        break; // a heartbeat: nothing new with no filter
                }
            }

            Failure ??= "the subscription ended before the stop";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stop.
        }
        catch (Exception ex) when (ex is SubscriptionEndedException or InvalidOperationException or ObjectDisposedException)
        {
            Failure = ex.GetType().Name + ": " + ex.Message;
        }

        ResolveBeforeAck();
    }

    private void OnEvent(SubscriptionItem item, long now, long measureFrom, long end, bool live)
    {
        Received++;
        Volatile.Write(ref _lastPosition, (long)item.Position);
        if (now < measureFrom || now >= end)
        {
            return;
        }

        MeasuredReceived++;
        if (!live)
        {
            return; // history: its delivery time says nothing about live delivery
        }

        long sequence = (long)item.Event!.CommandSequence;
        if (_times.TryGet(sequence, out long sent, out long acked) && acked <= now)
        {
            Durable.RecordValue(ToMicroseconds(now - acked));
            SendToReceive.RecordValue(ToMicroseconds(now - sent));
        }
        else
        {
            BeforeAck++;
            Durable.RecordValue(0);
            _beforeAck.Add((sequence, now));
        }
    }

    // After the run: every ACK is recorded by now, so the early events' send times are known.
    private void ResolveBeforeAck()
    {
        foreach ((long sequence, long received) in _beforeAck)
        {
            if (_times.TryGet(sequence, out long sent, out _))
            {
                SendToReceive.RecordValue(ToMicroseconds(received - sent));
            }
            else
            {
                Untimed++;
            }
        }

        _beforeAck.Clear();
    }

    private long ToMicroseconds(long ticks) => ticks <= 0 ? 0 : Math.Min(LatencyRecorder.HighestTrackableMicroseconds, (long)(ticks * _microsecondsPerTick));
}
