namespace Pipeline.PerfReport;

/// <summary>
/// A peer set against one of Pipeline's systems: every peer against <c>pipeline</c> (fsync before ACK), and a peer
/// that does not fsync before its ACK against <c>pipeline-none</c> (no fsync) as well, the like-for-like pair.
/// </summary>
/// <param name="Label">The ratio column's title, e.g. "pipeline-none vs nats (both no fsync)".</param>
internal sealed record PeerPairing(string Peer, string Pipeline, string Label);
