namespace Pipeline.Protocol;

/// <summary>A parsed HEARTBEAT (version 3): a subscription sent nothing for the heartbeat interval.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="Checked">Every event up to it was considered; committable once every event received was processed.</param>
/// <param name="HeadPosition">The visible head.</param>
public readonly record struct HeartbeatFrame(ulong SubscriptionId, ulong Checked, ulong HeadPosition);
