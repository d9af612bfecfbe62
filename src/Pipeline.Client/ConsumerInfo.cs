using System;

namespace Pipeline.Client;

/// <summary>A durable consumer as the query <c>pipeline.consumers</c> describes it.</summary>
/// <param name="Name">The consumer's name.</param>
/// <param name="Position">Its checkpoint: the last position it processed.</param>
/// <param name="Lag">HeadPosition - Position.</param>
/// <param name="HeadPosition">The visible head when the server answered.</param>
/// <param name="Commits">How many commits it made.</param>
/// <param name="UpdatedAt">The server's clock (UTC) at its last commit or reset.</param>
/// <param name="Subscribed">Whether a subscription holds it now.</param>
public sealed record ConsumerInfo(string Name, ulong Position, ulong Lag, ulong HeadPosition, long Commits, DateTime UpdatedAt, bool Subscribed);
