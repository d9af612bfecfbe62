namespace Pipeline.Peers.Systems;

/// <summary>
/// A ledger event as the Marten driver stores it: a typed record, as a Marten application's events are, carrying the
/// send time of its <see cref="PeerEvent"/> so that a subscriber can time the delivery.
/// </summary>
internal interface ILedgerEvent
{
    /// <summary>The <see cref="PeerEvent.Timestamp"/> it was appended with.</summary>
    long Timestamp { get; }
}
