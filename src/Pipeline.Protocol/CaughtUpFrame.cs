namespace Pipeline.Protocol;

/// <summary>A parsed CAUGHT_UP (version 3): the switch from history to live, once per subscription.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="Position">Every event up to it was considered (sent, or did not match).</param>
public readonly record struct CaughtUpFrame(ulong SubscriptionId, ulong Position);
