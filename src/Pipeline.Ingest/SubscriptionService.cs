using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.EventStore;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>
/// Serves push subscriptions (SUBSCRIBE, CREDIT, UNSUBSCRIBE; docs/protocol.md, "Version 3") from an
/// <see cref="EventStoreReader"/>: each open subscription is one async loop on the thread pool that reads the event
/// log forward from its position, through the same path for history and live events, and waits at the visible head.
/// </summary>
/// <remarks>
/// Thread-safe; one instance serves every connection. <see cref="Subscribe"/>, <see cref="Credit"/>,
/// <see cref="Unsubscribe"/> and <see cref="ConnectionClosed"/> are called on a connection's reader and never block;
/// <see cref="EndConsumerAsync"/> on any thread. A subscription holds one frame builder (at most
/// <see cref="SubscriptionOptions.FrameBytes"/> of records, or one event up to the maximum frame length), reads the
/// store only while it has credits and its connection's output has room, and never holds the writer back.
/// </remarks>
// Design: _connections maps a connection id to its registry (ConnectionSubscriptions): the open subscriptions by id
// and a Closed flag, both guarded by the registry's Gate. A subscription is added under the Gate by the reader's
// SUBSCRIBE and removed under it exactly once by Subscription.Finish (its loop's end, or the connection's close),
// which also releases its consumer in _holders and lowers _count in the same step and queues its SUB_END, so a
// SUBSCRIBE that finds the id or the consumer free comes after that SUB_END on the wire. _holders (consumer name ->
// subscription) is a ConcurrentDictionary: TryAdd is the one-holder rule, and a holder removes only its own entry.
// _count is raised with Interlocked before the server limit is checked (and lowered again on a refusal), so the
// check and the increment are one step. _pushed is only added to (Interlocked) and read for the metrics.
// Nothing cancels a subscription's token under a Gate: cancellation runs callbacks inline, and a loop ending inline
// would take the Gate again on the same thread.
public sealed class SubscriptionService
{
    private readonly ConcurrentDictionary<long, ConnectionSubscriptions> _connections = new();
    private readonly ConcurrentDictionary<string, Subscription> _holders = new(StringComparer.Ordinal);
    private int _count;
    private long _pushed;

    /// <summary>Creates the service.</summary>
    /// <param name="reader">The store's read API, capped at its visible head (which the subscriptions wait on).</param>
    /// <param name="options">Limits and timing; validated here.</param>
    /// <param name="checkpoints">The durable checkpoints for start CHECKPOINT; null when the server keeps none (CHECKPOINT is then CONSUMER_NOT_FOUND).</param>
    /// <param name="logger">For store failures (event id 2010) and refused requests (debug).</param>
    /// <param name="time">The clock of the heartbeats; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public SubscriptionService(EventStoreReader reader, SubscriptionOptions? options = null, IConsumerCheckpoints? checkpoints = null, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Options = options ?? new SubscriptionOptions();
        Options.Validate();
        Reader = reader;
        Checkpoints = checkpoints;
        Logger = logger ?? NullLogger.Instance;
        Time = time ?? TimeProvider.System;
    }

    /// <summary>Open subscriptions on the server.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Events sent in PUSH frames since the start (for the metrics).</summary>
    public long PushedEvents => Interlocked.Read(ref _pushed);

    internal EventStoreReader Reader { get; }

    internal SubscriptionOptions Options { get; }

    internal IConsumerCheckpoints? Checkpoints { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    /// <summary>Whether an open subscription holds <paramref name="consumer"/> now.</summary>
    public bool IsHeld(string consumer) => _holders.ContainsKey(consumer);

    /// <summary>
    /// Opens the subscription <paramref name="frame"/> asks for, or refuses it with SUB_END (BAD_REQUEST,
    /// DUPLICATE_ID, TOO_MANY, CONSUMER_BUSY; CONSUMER_NOT_FOUND comes from the loop, which reads the checkpoint).
    /// </summary>
    /// <remarks>Called on the connection's reader; never blocks. Copies the key and the consumer name.</remarks>
    public void Subscribe(IngestConnection connection, in SubscribeFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ulong id = frame.SubscriptionId;
        if (!frame.TryValidate(out string? error))
        {
            Refuse(connection, id, SubscriptionEndStatus.BadRequest, error!);
            return;
        }

        string? consumer = frame.Consumer.IsEmpty ? null : Encoding.ASCII.GetString(frame.Consumer);
        long start = frame.Start switch
        {
            SubscriptionStart.Beginning => 1,
            SubscriptionStart.End => Reader.Head.Position + 1, // the head at the SUBSCRIBE
            SubscriptionStart.StartAt => Math.Max(1, EventReadService.ToLong(frame.From)),
            _ => 0, // CHECKPOINT: the loop reads it (it may wait for an fsync)
        };
        var subscription = new Subscription(this, connection, id, start, frame.Credits, frame.CreateFilter(), consumer);
        ConnectionSubscriptions registry = _connections.GetOrAdd(connection.Id, static _ => new ConnectionSubscriptions());
        lock (registry.Gate)
        {
            if (registry.Closed)
            {
                return; // the connection is closing: nothing more is sent on it
            }

            if (registry.Open.ContainsKey(id))
            {
                Refuse(connection, id, SubscriptionEndStatus.DuplicateId, Invariant($"subscription id {id} is open on this connection"));
                return;
            }

            if (registry.Open.Count >= Options.MaxSubscriptionsPerConnection)
            {
                Refuse(connection, id, SubscriptionEndStatus.TooMany, Invariant($"the connection has its maximum of {Options.MaxSubscriptionsPerConnection} subscriptions open"));
                return;
            }

            if (Interlocked.Increment(ref _count) > Options.MaxSubscriptions)
            {
                Interlocked.Decrement(ref _count);
                Refuse(connection, id, SubscriptionEndStatus.TooMany, Invariant($"the server has its maximum of {Options.MaxSubscriptions} subscriptions open"));
                return;
            }

            if (consumer is not null && !_holders.TryAdd(consumer, subscription))
            {
                Interlocked.Decrement(ref _count);
                long holder = _holders.TryGetValue(consumer, out Subscription? held) ? held.Connection.Id : 0;
                Refuse(connection, id, SubscriptionEndStatus.ConsumerBusy, Invariant($"the consumer '{consumer}' is held by a subscription of connection {holder}"));
                return;
            }

            registry.Open.Add(id, subscription);
            subscription.Registry = registry;
        }

        subscription.Start();
    }

    /// <summary>Adds credits to a subscription of the connection; SUB_END NOT_FOUND for an id that is not open, BAD_REQUEST (and the end) for 0 or an overflow.</summary>
    /// <remarks>Called on the connection's reader; never blocks.</remarks>
    public void Credit(IngestConnection connection, in CreditFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!TryFind(connection, frame.SubscriptionId, out Subscription? subscription))
        {
            Refuse(connection, frame.SubscriptionId, SubscriptionEndStatus.NotFound, "no such subscription");
            return;
        }

        if (!frame.TryValidate(out string? error))
        {
            Log.SubscriptionRequestRefused(Logger, connection.Id, frame.SubscriptionId, SubscriptionEndStatus.BadRequest, error!);
            subscription.RequestEnd(SubscriptionEndStatus.BadRequest, error!);
            return;
        }

        if (!subscription.TryAddCredits(frame.Credits, out long outstanding))
        {
            string message = Invariant($"credits {frame.Credits} would raise the outstanding credits to {outstanding}; at most {ConsumerLimits.MaxCredits} may be outstanding");
            Log.SubscriptionRequestRefused(Logger, connection.Id, frame.SubscriptionId, SubscriptionEndStatus.BadRequest, message);
            subscription.RequestEnd(SubscriptionEndStatus.BadRequest, message);
        }
    }

    /// <summary>Ends a subscription of the connection with SUB_END UNSUBSCRIBED; SUB_END NOT_FOUND for an id that is not open.</summary>
    /// <remarks>Called on the connection's reader; never blocks.</remarks>
    public void Unsubscribe(IngestConnection connection, in UnsubscribeFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!TryFind(connection, frame.SubscriptionId, out Subscription? subscription))
        {
            Refuse(connection, frame.SubscriptionId, SubscriptionEndStatus.NotFound, "no such subscription");
            return;
        }

        subscription.RequestEnd(SubscriptionEndStatus.Unsubscribed, string.Empty);
    }

    /// <summary>Ends every subscription of the connection without SUB_END and releases the consumers they hold, at once.</summary>
    /// <remarks>Called once per connection when its reading ended; never blocks or throws.</remarks>
    public void ConnectionClosed(IngestConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_connections.TryRemove(connection.Id, out ConnectionSubscriptions? registry))
        {
            return;
        }

        List<Subscription> open;
        lock (registry.Gate)
        {
            registry.Closed = true;
            open = [.. registry.Open.Values];
        }

        foreach (Subscription subscription in open)
        {
            subscription.RequestEnd(Subscription.ConnectionClosedStatus, string.Empty);
            subscription.Finish(null, 0, string.Empty); // the consumer is free for another connection at once
        }
    }

    /// <summary>
    /// Ends the subscription that holds <paramref name="consumer"/>, if any, with SUB_END <paramref name="status"/>
    /// (RESET for an operator's reset or delete), and completes once its SUB_END is queued and the consumer is free.
    /// </summary>
    /// <remarks>Any thread. The subscription's loop reacts within one store read or one frame's send.</remarks>
    public Task EndConsumerAsync(string consumer, SubscriptionEndStatus status, string message)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (!_holders.TryGetValue(consumer, out Subscription? holder))
        {
            return Task.CompletedTask;
        }

        holder.RequestEnd(status, message);
        return holder.Completion;
    }

    internal void CountPushed(int count) => Interlocked.Add(ref _pushed, count);

    // Under the registry's Gate: the subscription's last step (see the Design block).
    internal void Release(Subscription subscription)
    {
        if (subscription.Consumer is { } consumer)
        {
            _holders.TryRemove(new KeyValuePair<string, Subscription>(consumer, subscription));
        }

        Interlocked.Decrement(ref _count);
    }

    private bool TryFind(IngestConnection connection, ulong id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Subscription? subscription)
    {
        subscription = null;
        if (!_connections.TryGetValue(connection.Id, out ConnectionSubscriptions? registry))
        {
            return false;
        }

        lock (registry.Gate)
        {
            return registry.Open.TryGetValue(id, out subscription);
        }
    }

    private void Refuse(IngestConnection connection, ulong id, SubscriptionEndStatus status, string message)
    {
        Log.SubscriptionRequestRefused(Logger, connection.Id, id, status, message);
        connection.SendSubEnd(id, status, 0, message);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // The open subscriptions of one connection (see the Design block).
    internal sealed class ConnectionSubscriptions
    {
        public Lock Gate { get; } = new();

        public Dictionary<ulong, Subscription> Open { get; } = [];

        public bool Closed { get; set; }
    }
}
