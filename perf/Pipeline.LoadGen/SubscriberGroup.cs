using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HdrHistogram;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.LoadGen;

/// <summary>
/// The subscribers of a load run (<c>--subscribers N</c>): N clients connected before the run, subscribed when the
/// measured part starts, read beside the publishers, and asked at the end how far behind the head they are.
/// </summary>
/// <remarks>
/// The head comes from a READ (all backward, one event) on a client of its own, so the subscribers' lag at the end is
/// measured against the visible head at that moment.
/// </remarks>
// Design: the driver thread calls Start, MarkEndAsync, SettleAsync and StopAsync in that order; the subscribers'
// tasks write only their own Subscriber. _lagAtEnd, _caughtUpAtEnd and the heads are the driver's.
internal sealed class SubscriberGroup : IAsyncDisposable
{
    private static readonly TimeSpan s_settlePoll = TimeSpan.FromMilliseconds(20);

    private readonly Subscriber[] _subscribers;
    private readonly PipelineClient _observer;
    private readonly TimeProvider _time;
    private readonly SubscriptionStart _start;
    private readonly int _credits;
    private readonly CancellationTokenSource _stop = new();
    private readonly long[] _lagAtEnd;
    private readonly bool[] _caughtUpAtEnd;
    private Task[] _tasks = [];
    private long _measureFrom;
    private long _end;
    private long _headAtEnd;
    private long _finalHead;
    private int _settled;
    private double _settleSeconds;

    private SubscriberGroup(Subscriber[] subscribers, PipelineClient observer, TimeProvider time, SequenceTimes times, SubscriptionStart start, int credits)
    {
        _subscribers = subscribers;
        _observer = observer;
        _time = time;
        Times = times;
        _start = start;
        _credits = credits;
        _lagAtEnd = new long[subscribers.Length];
        _caughtUpAtEnd = new bool[subscribers.Length];
    }

    /// <summary>Where the publishers record their commands' times (pass it to their trackers).</summary>
    public SequenceTimes Times { get; }

    public int Count => _subscribers.Length;

    /// <summary>Connects <paramref name="count"/> subscribing clients (protocol version 3) and the head observer.</summary>
    public static async Task<SubscriberGroup> ConnectAsync(string host, int port, int count, bool fromStart, int credits, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(time);
        var times = new SequenceTimes();
        var subscribers = new Subscriber[count];
        PipelineClient? observer = null;
        try
        {
            for (int i = 0; i < count; i++)
            {
                PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions
                {
                    Host = host,
                    Port = port,
                    ClientName = "loadgen-subscriber",
                    ProtocolVersion = FrameHeader.ConsumerProtocolVersion,
                }).ConfigureAwait(false);
                subscribers[i] = new Subscriber(i, client, times, time);
            }

            observer = await PipelineClient.ConnectAsync(new PipelineClientOptions
            {
                Host = host,
                Port = port,
                ClientName = "loadgen-head",
                ProtocolVersion = FrameHeader.ConsumerProtocolVersion,
            }).ConfigureAwait(false);
        }
        catch
        {
            foreach (Subscriber? subscriber in subscribers)
            {
                if (subscriber is not null)
                {
                    await subscriber.Client.DisposeAsync().ConfigureAwait(false);
                }
            }

            throw;
        }

        return new SubscriberGroup(subscribers, observer, time, times, fromStart ? SubscriptionStart.Beginning : SubscriptionStart.End, credits);
    }

    /// <summary>Subscribes every subscriber at <paramref name="measureFrom"/> (at once if it has passed).</summary>
    public void Start(long measureFrom, long end)
    {
        _measureFrom = measureFrom;
        _end = end;
        CancellationToken token = _stop.Token;
        _tasks = [.. _subscribers.Select(s => Task.Run(async () =>
        {
            if (await MachineCpuWindow.DelayUntilAsync(_time, measureFrom, token).ConfigureAwait(false))
            {
                await s.RunAsync(_start, _credits, measureFrom, end, token).ConfigureAwait(false);
            }
        }))];
    }

    /// <summary>The end of the measured part: the visible head now, and each subscriber's distance from it.</summary>
    public async Task MarkEndAsync()
    {
        _headAtEnd = await ReadHeadAsync().ConfigureAwait(false);
        for (int i = 0; i < _subscribers.Length; i++)
        {
            _lagAtEnd[i] = Math.Max(0, _headAtEnd - _subscribers[i].LastPosition);
            _caughtUpAtEnd[i] = _subscribers[i].CaughtUp;
        }
    }

    /// <summary>
    /// After the publishers drained: waits up to <paramref name="timeout"/> for every subscriber to reach the final
    /// head, the visible head once the events of command <paramref name="lastSequence"/> are visible.
    /// </summary>
    public async Task SettleAsync(long lastSequence, TimeSpan timeout)
    {
        _finalHead = await ReadHeadAsync(lastSequence).ConfigureAwait(false);
        long started = _time.GetTimestamp();
        while (true)
        {
            _settled = _subscribers.Count(s => s.LastPosition >= _finalHead);
            if (_settled == _subscribers.Length || _time.GetElapsedTime(started) >= timeout || _tasks.All(t => t.IsCompleted))
            {
                break;
            }

            await Task.Delay(s_settlePoll, _time).ConfigureAwait(false);
        }

        _settleSeconds = _time.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Ends every subscription (cancels the enumerations) and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_tasks).ConfigureAwait(false);
    }

    /// <summary>The merged durable -> received histogram (after <see cref="StopAsync"/>).</summary>
    public LongHistogram MergedDurable()
    {
        var merged = new LongHistogram(LatencyRecorder.HighestTrackableMicroseconds, 3);
        foreach (Subscriber s in _subscribers)
        {
            merged.Add(s.Durable);
        }

        return merged;
    }

    /// <summary>The merged sent -> received histogram (after <see cref="StopAsync"/>).</summary>
    public LongHistogram MergedSent()
    {
        var merged = new LongHistogram(LatencyRecorder.HighestTrackableMicroseconds, 3);
        foreach (Subscriber s in _subscribers)
        {
            merged.Add(s.SendToReceive);
        }

        return merged;
    }

    /// <summary>The run's subscriber figures (after <see cref="StopAsync"/>).</summary>
    public SubscribersReport Report(string hgrm, LongHistogram durable, TimeSpan duration, string? sentHgrm = null)
    {
        ArgumentNullException.ThrowIfNull(durable);
        LongHistogram sendToReceive = MergedSent();

        long measured = _subscribers.Sum(s => s.MeasuredReceived);
        string? failure = _subscribers.Select(s => s.Failure is null ? null : string.Create(CultureInfo.InvariantCulture, $"subscriber {s.Index}: {s.Failure}")).FirstOrDefault(f => f is not null);
        return new SubscribersReport(
            _subscribers.Length,
            _start == SubscriptionStart.Beginning ? "start" : "end",
            _credits,
            measured,
            Math.Round(measured / duration.TotalSeconds, 1),
            _headAtEnd,
            _lagAtEnd.Length == 0 ? 0 : _lagAtEnd.Max(),
            _caughtUpAtEnd.Count(c => c),
            _finalHead,
            _settled,
            Math.Round(_settleSeconds, 3),
            _subscribers.Sum(s => s.BeforeAck),
            _subscribers.Sum(s => s.Untimed),
            _subscribers.Count(s => s.Failure is not null),
            failure,
            hgrm,
            LatencySummary.From(durable),
            LatencySummary.From(sendToReceive),
            [.. _subscribers.Select(s => new SubscriberLine(s.Index, s.Received, s.MeasuredReceived, s.LastPosition, _lagAtEnd[s.Index], _caughtUpAtEnd[s.Index]))],
            sentHgrm);
    }

    /// <summary>The log lines of the subscribers' figures.</summary>
    public static void Write(SubscribersReport r, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"subs    {r.Count} subscribers from the {r.From}: {r.EventsReceived:N0} events received in the measured part ({r.EventsPerSecond:N0}/s in all); caught up by the end {r.CaughtUp}/{r.Count}; slowest lag at the end {r.MaxLagAtEnd:N0} events (head {r.HeadAtEnd:N0}); at the final head {r.Settled}/{r.Count} after {r.SettleSeconds:F1} s"));
        LatencySummary d = r.DurableToReceivedUs;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"deliver us  p50 {d.P50}  p90 {d.P90}  p99 {d.P99}  p99.9 {d.P99_9}  p99.99 {d.P99_99}  max {d.Max}  mean {d.Mean:F1}   (ACK seen -> received; {r.BeforeAck:N0} received before their ACK, counted as 0)"));
        LatencySummary s = r.SentToReceivedUs;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"e2e us      p50 {s.P50}  p90 {s.P90}  p99 {s.P99}  p99.9 {s.P99_9}  p99.99 {s.P99_99}  max {s.Max}  mean {s.Mean:F1}   (publish sent -> received)"));
        if (r.Failure is not null)
        {
            output.WriteLine($"subs    {r.Failed} failed; first: {r.Failure}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }

        foreach (Subscriber s in _subscribers)
        {
            await s.Client.DisposeAsync().ConfigureAwait(false);
        }

        await _observer.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private Task<long> ReadHeadAsync(long lastSequence = -1) => ReadHeadAsync(_observer, lastSequence);

    /// <summary>
    /// The visible head, once the events of command <paramref name="lastSequence"/> are visible (the event store may
    /// trail the ACKs by a moment); -1: the head now.
    /// </summary>
    public static async Task<long> ReadHeadAsync(PipelineClient client, long lastSequence)
    {
        ArgumentNullException.ThrowIfNull(client);
        ReadResult head = await client.ReadAllBackwardAsync(ulong.MaxValue, 1, lastSequence < 0 ? 0 : (ulong)lastSequence).ConfigureAwait(false);
        return head.Status == ReadStatus.Ok ? (long)head.HeadPosition : throw new InvalidOperationException($"reading the head failed: {head.Status} {head.Message}");
    }
}
