namespace Pipeline.Peers.Systems;

/// <summary>Money paid into an account (<c>ledger.deposited</c>).</summary>
internal sealed record Deposited(string Account, long Amount, long Timestamp = 0) : ILedgerEvent;
