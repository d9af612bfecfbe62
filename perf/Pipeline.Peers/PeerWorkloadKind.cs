namespace Pipeline.Peers;

/// <summary>What a peer run measures.</summary>
internal enum PeerWorkloadKind
{
    /// <summary>Durable appends, closed loop (a window in flight per connection) or open loop (a fixed rate).</summary>
    Append,

    /// <summary>Fill a store, then time reads of one 1,000-event stream and full catch-up reads of the store.</summary>
    Read,

    /// <summary>Appends at a fixed rate while one subscriber times each live event from its send to its arrival.</summary>
    Subscribe,
}
