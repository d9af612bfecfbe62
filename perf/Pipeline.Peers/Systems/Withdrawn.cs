namespace Pipeline.Peers.Systems;

/// <summary>Money taken out of an account (<c>ledger.withdrawn</c>).</summary>
internal sealed record Withdrawn(string Account, long Amount, long Timestamp = 0) : ILedgerEvent;
