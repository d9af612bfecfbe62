using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

// Push subscriptions (protocol version 3): SUBSCRIBE, CREDIT and UNSUBSCRIBE out; SUBSCRIBED, PUSH, CAUGHT_UP,
// HEARTBEAT and SUB_END back.
// Design: each enumeration owns one Subscription in _subscriptions (by id; ids are never reused). Its lock
// (Subscription._sync) guards its buffer, its credit accounting and its plan (the SUBSCRIBE to send next: the first,
// the fallback after CONSUMER_NOT_FOUND, the resume after a reconnect). Lock order: Subscription._sync, then _gate.
// Every frame of a subscription is written with its _sync held, so a CREDIT never overtakes the SUBSCRIBE it belongs
// to, and a reconnect's reset of the accounting and its new SUBSCRIBE are one step.
// The receive task alone adds to a buffer (and runs the reconnect); the enumerating caller alone takes from it.
// Credits: outstanding (the server may still send) + buffered + taken-not-yet-granted = the window, always; the caller
// grants what it took each time that reaches half the window. So the buffer never holds more than the window, and a
// caller that stops taking stalls only its own subscription. Heartbeats in a row coalesce to the newest.
// After a reconnect the buffer is dropped and the subscription starts again (START_AT) after the last item handed to
// the caller: the caller sees neither a gap nor a duplicate.
public sealed partial class PipelineClient
{
    private readonly ConcurrentDictionary<ulong, Subscription> _subscriptions = new();
    private long _nextSubscriptionId;

    /// <summary>
    /// Subscribes when the enumeration starts and yields the matching events in position order, each once, first the
    /// history, then a <see cref="SubscriptionItemKind.CaughtUp"/> item, then live events as they become visible,
    /// with <see cref="SubscriptionItemKind.Heartbeat"/> items while there are none.
    /// </summary>
    /// <remarks>
    /// <para>Stopping the enumeration (break, dispose, or <paramref name="cancellationToken"/>) sends UNSUBSCRIBE.
    /// A SUB_END UNSUBSCRIBED ends the enumeration normally; any other SUB_END status throws
    /// <see cref="SubscriptionEndedException"/> after the items received before it.</para>
    /// <para><b>Durable consumers.</b> With <see cref="SubscriptionOptions.Consumer"/> the client subscribes with start
    /// CHECKPOINT (after the consumer's committed position); when the server answers CONSUMER_NOT_FOUND (the consumer
    /// never committed) it subscribes again with the options' <see cref="SubscriptionOptions.Start"/> (Beginning by
    /// default), unless that start is <see cref="SubscriptionStart.Checkpoint"/> itself, which is strict. Commit with
    /// <see cref="CommitAsync"/>: delivery is at least once from the checkpoint.</para>
    /// <para><b>Flow control.</b> At most <see cref="SubscriptionOptions.Credits"/> events are in flight or buffered
    /// for the caller; the client grants more (CREDIT) each time the caller has taken half the window.</para>
    /// <para><b>Reconnect.</b> With <see cref="PipelineClientOptions.AutoReconnect"/> an open subscription resumes on the
    /// new connection from the position after the last item handed out (START_AT, naming the consumer if any): no gap,
    /// no duplicate. Without it, or when reconnecting fails, the enumeration throws <see cref="InvalidOperationException"/>.</para>
    /// <para>One caller enumerates at a time; any number of subscriptions may be open on one client.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The connection speaks protocol version 1 or 2 (thrown here); from the enumeration: the connection failed.</exception>
    /// <exception cref="ArgumentException">A rule of <paramref name="options"/> is broken (thrown here).</exception>
    /// <exception cref="SubscriptionEndedException">From the enumeration: the server ended or refused the subscription.</exception>
    public IAsyncEnumerable<SubscriptionItem> SubscribeAsync(SubscriptionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireConsumerProtocol("Subscriptions");
        byte[] consumer = options.Validate();
        return EnumerateAsync(options, consumer, cancellationToken);
    }

    private void RequireConsumerProtocol(string what)
    {
        if (Welcome.Version < FrameHeader.ConsumerProtocolVersion)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{what} need protocol version {FrameHeader.ConsumerProtocolVersion}; this connection speaks {Welcome.Version}. Set PipelineClientOptions.ProtocolVersion = 3."));
        }
    }

    private async IAsyncEnumerable<SubscriptionItem> EnumerateAsync(SubscriptionOptions options, byte[] consumer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var subscription = new Subscription(this, (ulong)Interlocked.Increment(ref _nextSubscriptionId), options, consumer);
        _subscriptions[subscription.Id] = subscription;
        try
        {
            subscription.Open();
            while (await subscription.TakeAsync(cancellationToken).ConfigureAwait(false) is { } item)
            {
                yield return item;
            }
        }
        finally
        {
            subscription.Close();
            _subscriptions.TryRemove(subscription.Id, out _);
        }
    }

    // Receive task only, from Resume: every open subscription starts again on the new connection.
    private void ResumeSubscriptions()
    {
        foreach (Subscription subscription in _subscriptions.Values)
        {
            subscription.Resume();
        }
    }

    // From Fail: every open subscription ends with the connection's failure, after what it buffered.
    private void FailSubscriptions(Exception failure)
    {
        var error = failure as ObjectDisposedException ?? (Exception)new InvalidOperationException("The subscription's connection failed: " + failure.Message, failure);
        foreach (Subscription subscription in _subscriptions.Values)
        {
            subscription.End(error);
        }
    }

    // Receive task only: the frames of version 3 that belong to a subscription.
    private void OnSubscribed(ReadOnlySpan<byte> body)
    {
        if (!ServerFrames.TryParseSubscribed(body, out SubscribedFrame frame))
        {
            throw new InvalidOperationException("Malformed SUBSCRIBED from the server.");
        }

        if (_subscriptions.TryGetValue(frame.SubscriptionId, out Subscription? subscription))
        {
            subscription.OnSubscribed(frame.Start);
        }
    }

    private void OnPush(ReadOnlySpan<byte> body)
    {
        if (!ServerFrames.TryParsePush(body, out PushFrame frame))
        {
            throw new InvalidOperationException("Malformed PUSH from the server.");
        }

        if (!_subscriptions.TryGetValue(frame.SubscriptionId, out Subscription? subscription))
        {
            return; // a subscription the caller stopped: its UNSUBSCRIBE is on the way
        }

        var items = new SubscriptionItem[frame.Count];
        for (int i = 0; frame.TryReadNext(out EventRecordFrame r); i++)
        {
            var e = new StoredEvent(r.Position, r.CommandSequence, r.TimestampTicks, r.ProducerId, Encoding.UTF8.GetString(r.Stream),
                r.StreamVersion, Encoding.UTF8.GetString(r.Type), r.SchemaVersion, r.Payload.ToArray());
            items[i] = new SubscriptionItem(SubscriptionItemKind.Event, e, r.Position, null);
        }

        subscription.OnEvents(items);
    }

    private void OnCaughtUp(ReadOnlySpan<byte> body)
    {
        if (!ServerFrames.TryParseCaughtUp(body, out CaughtUpFrame frame))
        {
            throw new InvalidOperationException("Malformed CAUGHT_UP from the server.");
        }

        if (_subscriptions.TryGetValue(frame.SubscriptionId, out Subscription? subscription))
        {
            subscription.OnCaughtUp(new SubscriptionItem(SubscriptionItemKind.CaughtUp, null, frame.Position, frame.Position));
        }
    }

    private void OnHeartbeat(ReadOnlySpan<byte> body)
    {
        if (!ServerFrames.TryParseHeartbeat(body, out HeartbeatFrame frame))
        {
            throw new InvalidOperationException("Malformed HEARTBEAT from the server.");
        }

        if (_subscriptions.TryGetValue(frame.SubscriptionId, out Subscription? subscription))
        {
            subscription.OnHeartbeat(new SubscriptionItem(SubscriptionItemKind.Heartbeat, null, frame.Checked, frame.HeadPosition));
        }
    }

    private void OnSubEnd(ReadOnlySpan<byte> body)
    {
        if (!ServerFrames.TryParseSubEnd(body, out SubEndFrame frame))
        {
            throw new InvalidOperationException("Malformed SUB_END from the server.");
        }

        // NOT_FOUND answers a CREDIT or UNSUBSCRIBE for an id the server no longer has open (e.g. a CREDIT that raced
        // the end of the subscription, or one sent before a reconnect): nothing to do.
        if (frame.Status != SubscriptionEndStatus.NotFound && _subscriptions.TryGetValue(frame.SubscriptionId, out Subscription? subscription))
        {
            subscription.OnEnd(frame.Status, frame.Next, Encoding.UTF8.GetString(frame.Message));
        }
    }

    // One subscription's state; see the Design block above for who touches what.
    private sealed class Subscription
    {
        private readonly PipelineClient _client;
        private readonly SubscriptionOptions _options;
        private readonly byte[] _consumer;
        private readonly int _grantThreshold;
        private readonly object _sync = new();
        private readonly LinkedList<SubscriptionItem> _items = new();
        private TaskCompletionSource? _waiter;

        // The plan: what the next SUBSCRIBE asks for.
        private SubscriptionStart _start;
        private ulong _from;
        private bool _fallbackAllowed;
        private int _busyRetries; // left for the resume in progress: the server may not have seen the old connection close yet

        private int _outstanding;
        private int _takenSinceGrant;
        private bool _caughtUpHanded;
        private bool _ended;
        private Exception? _endError;

        public Subscription(PipelineClient client, ulong id, SubscriptionOptions options, byte[] consumer)
        {
            _client = client;
            Id = id;
            _options = options;
            _consumer = consumer;
            _grantThreshold = Math.Max(1, options.Credits / 2);
            bool durable = consumer.Length > 0 && options.ResumeFromCheckpoint;
            (_start, _from) = durable ? (SubscriptionStart.Checkpoint, 0UL) : (options.Start, options.From);
            _fallbackAllowed = durable && options.Start != SubscriptionStart.Checkpoint;
        }

        public ulong Id { get; }

        // Caller: the first SUBSCRIBE.
        public void Open()
        {
            lock (_sync)
            {
                _outstanding = _options.Credits;
                WriteSubscribeLocked();
            }
        }

        // Receive task, after a reconnect: drop what the caller has not taken, and start again after what it took.
        public void Resume()
        {
            lock (_sync)
            {
                if (_ended)
                {
                    return;
                }

                _items.Clear();
                _outstanding = _options.Credits;
                _takenSinceGrant = 0;
                _busyRetries = _consumer.Length > 0 ? _client._options.MaxReconnectAttempts : 0;
                WriteSubscribeLocked();
            }
        }

        public void OnSubscribed(ulong start)
        {
            lock (_sync)
            {
                _fallbackAllowed = false;
                _busyRetries = 0;

                // Until the caller takes an item, a resume starts where the server started (END and CHECKPOINT resolved).
                if (!_ended)
                {
                    (_start, _from) = (SubscriptionStart.StartAt, start);
                }
            }
        }

        public void OnEvents(SubscriptionItem[] events)
        {
            TaskCompletionSource? wake;
            lock (_sync)
            {
                if (_ended)
                {
                    return;
                }

                if (events.Length > _outstanding)
                {
                    // The server broke flow control: end this subscription only, and stop the server sending more.
                    string message = string.Create(CultureInfo.InvariantCulture, $"The server sent {events.Length} events with {_outstanding} credits outstanding.");
                    EndLocked(new InvalidOperationException(message));
                    WriteLocked(w => FrameWriter.WriteUnsubscribe(w, Id));
                }
                else
                {
                    _outstanding -= events.Length;
                    foreach (SubscriptionItem item in events)
                    {
                        _items.AddLast(item);
                    }
                }

                wake = TakeWaiterLocked();
            }

            wake?.TrySetResult();
        }

        public void OnCaughtUp(SubscriptionItem item)
        {
            TaskCompletionSource? wake;
            lock (_sync)
            {
                // Once per enumeration: a resumed subscription's own CAUGHT_UP is not news to the caller.
                if (_ended || _caughtUpHanded)
                {
                    return;
                }

                _items.AddLast(item);
                wake = TakeWaiterLocked();
            }

            wake?.TrySetResult();
        }

        public void OnHeartbeat(SubscriptionItem item)
        {
            TaskCompletionSource? wake;
            lock (_sync)
            {
                if (_ended)
                {
                    return;
                }

                if (_items.Last is { } last && last.Value.Kind == SubscriptionItemKind.Heartbeat)
                {
                    last.Value = item; // a caller that is behind needs only the newest
                }
                else
                {
                    _items.AddLast(item);
                }

                wake = TakeWaiterLocked();
            }

            wake?.TrySetResult();
        }

        public void OnEnd(SubscriptionEndStatus status, ulong next, string message)
        {
            lock (_sync)
            {
                if (_ended)
                {
                    return;
                }

                if (status == SubscriptionEndStatus.ConsumerNotFound && _fallbackAllowed)
                {
                    // The consumer never committed: start it where the caller asked (the id is free again: the
                    // SUBSCRIBE was refused).
                    _fallbackAllowed = false;
                    (_start, _from) = (_options.Start, _options.From);
                    WriteSubscribeLocked();
                    return;
                }

                if (status == SubscriptionEndStatus.ConsumerBusy && _busyRetries > 0)
                {
                    // After a reconnect the consumer may still be held by this client's old connection until the
                    // server notices it closed: ask again after the reconnect delay.
                    _busyRetries--;
                    _ = RetryAfterDelayAsync();
                    return;
                }
            }

            End(status == SubscriptionEndStatus.Unsubscribed ? null : new SubscriptionEndedException(status, next, message));
        }

        private async Task RetryAfterDelayAsync()
        {
            await Task.Delay(_client._options.ReconnectDelay).ConfigureAwait(false);
            lock (_sync)
            {
                if (!_ended)
                {
                    WriteSubscribeLocked();
                }
            }
        }

        // Ends the subscription after what it buffered; null: normally.
        public void End(Exception? error)
        {
            TaskCompletionSource? wake;
            lock (_sync)
            {
                if (_ended)
                {
                    return;
                }

                EndLocked(error);
                wake = TakeWaiterLocked();
            }

            wake?.TrySetResult();
        }

        // Caller: the next item, null at the normal end; grants credits as the caller takes events.
        public async ValueTask<SubscriptionItem?> TakeAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                Task wait;
                lock (_sync)
                {
                    if (_items.First is { } first)
                    {
                        _items.RemoveFirst();
                        OnHandedLocked(first.Value);
                        return first.Value;
                    }

                    if (_ended)
                    {
                        return _endError is null ? null : throw _endError;
                    }

                    _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _waiter.Task;
                }

                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // Caller, when the enumeration stops: UNSUBSCRIBE unless the server already ended it.
        public void Close()
        {
            lock (_sync)
            {
                if (_ended)
                {
                    return;
                }

                EndLocked(null);
                WriteLocked(w => FrameWriter.WriteUnsubscribe(w, Id));
            }
        }

        private void OnHandedLocked(SubscriptionItem item)
        {
            (_start, _from) = (SubscriptionStart.StartAt, item.Position + 1);
            _fallbackAllowed = false;
            if (item.Kind == SubscriptionItemKind.CaughtUp)
            {
                _caughtUpHanded = true;
            }
            else if (item.Kind == SubscriptionItemKind.Event && !_ended && ++_takenSinceGrant >= _grantThreshold)
            {
                int grant = _takenSinceGrant;
                _takenSinceGrant = 0;
                _outstanding += grant;
                WriteLocked(w => FrameWriter.WriteCredit(w, Id, (uint)grant));
            }
        }

        private void WriteSubscribeLocked()
        {
            SubscriptionStart start = _start;
            ulong from = start == SubscriptionStart.StartAt ? _from : 0;
            uint credits = (uint)_outstanding;
            EventFilter filter = _options.Filter;
            byte[] consumer = _consumer;
            WriteLocked(w => FrameWriter.WriteSubscribe(w, Id, start, from, credits, filter, consumer));
        }

        // _sync held: queues a frame unless the connection failed (the subscription then ends with the failure).
        private void WriteLocked(Action<System.Buffers.IBufferWriter<byte>> write)
        {
            lock (_client._gate)
            {
                if (_client._failure is not null)
                {
                    return;
                }

                write(_client._outgoing);
            }

            _client.StartFlush();
        }

        private void EndLocked(Exception? error)
        {
            _ended = true;
            _endError = error;
        }

        private TaskCompletionSource? TakeWaiterLocked()
        {
            TaskCompletionSource? waiter = _waiter;
            _waiter = null;
            return waiter;
        }
    }
}
