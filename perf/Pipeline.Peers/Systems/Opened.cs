namespace Pipeline.Peers.Systems;

/// <summary>An account opened (<c>ledger.opened</c>).</summary>
internal sealed record Opened(string Account, long Timestamp = 0) : ILedgerEvent;
