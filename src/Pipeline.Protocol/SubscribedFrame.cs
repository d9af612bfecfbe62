namespace Pipeline.Protocol;

/// <summary>A parsed SUBSCRIBED (version 3): the SUBSCRIBE was accepted.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="Start">The first position the subscription considers.</param>
/// <param name="HeadPosition">The visible head when it started.</param>
public readonly record struct SubscribedFrame(ulong SubscriptionId, ulong Start, ulong HeadPosition);
