using Pipeline.Client;

namespace Pipeline.Projections;

/// <summary>What a feed yields, in position order.</summary>
public enum FeedItemKind
{
    /// <summary>An event (<see cref="FeedItem.Event"/>).</summary>
    Event,

    /// <summary>Every event up to <see cref="FeedItem.Position"/> was considered; none more matched (a heartbeat).</summary>
    Checked,

    /// <summary>The feed has delivered the history up to the head at <see cref="FeedItem.Position"/>; live events follow.</summary>
    CaughtUp,
}

/// <summary>One item of a <see cref="IProjectionFeed"/>.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Position">The event's position, or the position every event up to which was considered.</param>
/// <param name="Event">The event, for <see cref="FeedItemKind.Event"/>; otherwise null.</param>
public readonly record struct FeedItem(FeedItemKind Kind, ulong Position, StoredEvent? Event)
{
    /// <summary>An event item.</summary>
    public static FeedItem Of(StoredEvent storedEvent)
    {
        System.ArgumentNullException.ThrowIfNull(storedEvent);
        return new FeedItem(FeedItemKind.Event, storedEvent.Position, storedEvent);
    }
}
