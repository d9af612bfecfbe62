namespace Pipeline.Client;

/// <summary>What a <see cref="SubscriptionItem"/> carries.</summary>
public enum SubscriptionItemKind
{
    /// <summary>An event that matched the subscription's filter.</summary>
    Event = 0,

    /// <summary>
    /// The subscription considered every event up to the visible head for the first time: the switch from history to
    /// live. Comes at most once per enumeration.
    /// </summary>
    CaughtUp = 1,

    /// <summary>
    /// Nothing was sent for the server's heartbeat interval; every event up to the position was considered. Heartbeats
    /// the caller has not taken yet coalesce to the newest.
    /// </summary>
    Heartbeat = 2,
}
