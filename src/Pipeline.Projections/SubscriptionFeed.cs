using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.Projections;

/// <summary>
/// A projection's feed from a running service: a version 3 subscription that starts after the runner's checkpoint
/// (the database's, which is the one that counts), filtered on the server, named after the projection so that a
/// second runner of the same projection is refused (CONSUMER_BUSY) instead of writing the same rows twice.
/// </summary>
public sealed class SubscriptionFeed : IProjectionFeed
{
    private readonly PipelineClient _client;
    private readonly EventFilter _filter;
    private readonly string? _consumer;

    /// <summary>Creates the feed.</summary>
    /// <param name="client">A client connected with protocol version 3 or later.</param>
    /// <param name="filter">The server-side filter (e.g. <c>EventFilter.TypePrefix("ledger.")</c>).</param>
    /// <param name="consumer">The consumer name the subscription holds (the projection's name), or null for an anonymous one.</param>
    public SubscriptionFeed(PipelineClient client, EventFilter filter, string? consumer)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _filter = filter;
        _consumer = consumer;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<FeedItem> ReadAsync(ulong afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // START_AT after the database's checkpoint, not CHECKPOINT: the server's copy may lag the database's (it is
        // committed after the database transaction) and must not make the runner skip or repeat anything.
        var options = new SubscriptionOptions
        {
            Start = SubscriptionStart.StartAt,
            From = afterPosition + 1,
            Filter = _filter,
            Consumer = _consumer,
            ResumeFromCheckpoint = false,
        };
        await foreach (SubscriptionItem item in _client.SubscribeAsync(options, cancellationToken).ConfigureAwait(false))
        {
            yield return item.Kind switch
            {
                SubscriptionItemKind.Event => FeedItem.Of(item.Event!),
                SubscriptionItemKind.CaughtUp => new FeedItem(FeedItemKind.CaughtUp, item.Position, null),
                _ => new FeedItem(FeedItemKind.Checked, item.Position, null),
            };
        }
    }
}
