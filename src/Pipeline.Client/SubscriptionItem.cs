namespace Pipeline.Client;

/// <summary>One item of a subscription, as <see cref="PipelineClient.SubscribeAsync"/> hands them out, in position order.</summary>
/// <remarks>
/// Every event up to <see cref="Position"/> was considered (delivered before this item, or not matching the filter):
/// a durable consumer that has processed every item up to this one may commit <see cref="Position"/>.
/// </remarks>
/// <param name="Kind">An event, the catch-up mark or a heartbeat.</param>
/// <param name="Event">The event (<see cref="SubscriptionItemKind.Event"/> only; null for the others).</param>
/// <param name="Position">The event's position; CAUGHT_UP's position; HEARTBEAT's <c>checked</c>.</param>
/// <param name="HeadPosition">The visible head where the server said it (CAUGHT_UP: the position; HEARTBEAT: its head); null for events.</param>
public sealed record SubscriptionItem(SubscriptionItemKind Kind, StoredEvent? Event, ulong Position, ulong? HeadPosition);
