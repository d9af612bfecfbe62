using System;
using Microsoft.Extensions.Logging;
using Pipeline.EventStore;
using Pipeline.Hosting.Configuration;
using Pipeline.Ingest;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The consumer side of the engine (protocol version 3): push subscriptions and FETCH served from the event store,
/// after everything else in the data flow (commands in -> journal -> decide -> events -> event store -> consumers).
/// </summary>
/// <remarks>
/// Exists only when the event store is on; the engine answers NOT_SUPPORTED itself otherwise. Thread-safe: its
/// members are called on connection readers (never blocking) and hand the work to the thread pool.
/// </remarks>
internal sealed class ConsumerServer
{
    private readonly SubscriptionService _subscriptions;
    private readonly FetchService _fetches;

    public ConsumerServer(EventStoreReader reader, ConsumerSettings settings, ILoggerFactory loggers, TimeProvider? time = null)
    {
        ILogger logger = loggers.CreateLogger("Pipeline.Ingest");
        var options = new SubscriptionOptions
        {
            MaxSubscriptionsPerConnection = settings.MaxSubscriptionsPerConnection,
            MaxSubscriptions = settings.MaxSubscriptions,
            HeartbeatInterval = settings.HeartbeatInterval,
        };
        _subscriptions = new SubscriptionService(reader, options, checkpoints: null, logger, time);
        _fetches = new FetchService(reader, logger, time);
    }

    public SubscriptionService Subscriptions => _subscriptions;

    public void OnSubscribe(IngestConnection connection, in SubscribeFrame frame) => _subscriptions.Subscribe(connection, frame);

    public void OnCredit(IngestConnection connection, in CreditFrame frame) => _subscriptions.Credit(connection, frame);

    public void OnUnsubscribe(IngestConnection connection, in UnsubscribeFrame frame) => _subscriptions.Unsubscribe(connection, frame);

    public void OnFetch(IngestConnection connection, in FetchFrame frame) => _fetches.Start(connection, frame);

    public void OnConnectionClosed(IngestConnection connection) => _subscriptions.ConnectionClosed(connection);
}
