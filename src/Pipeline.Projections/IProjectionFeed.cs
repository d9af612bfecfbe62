using System.Collections.Generic;
using System.Threading;

namespace Pipeline.Projections;

/// <summary>
/// Where a projection's events come from: the events after a position, in position order, each once, then live
/// ones (a subscription to the server, <c>SubscriptionFeed</c>; tests use a list).
/// </summary>
public interface IProjectionFeed
{
    /// <summary>
    /// The events after <paramref name="afterPosition"/>, in position order, and <see cref="FeedItemKind.Checked"/>
    /// marks for stretches without a matching event. Ends when the feed has no more (a live feed runs until
    /// cancelled).
    /// </summary>
    IAsyncEnumerable<FeedItem> ReadAsync(ulong afterPosition, CancellationToken cancellationToken);
}
