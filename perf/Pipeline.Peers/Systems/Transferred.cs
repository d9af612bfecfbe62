namespace Pipeline.Peers.Systems;

/// <summary>Money moved between two accounts (<c>ledger.transferred</c>), stored in the source account's stream.</summary>
internal sealed record Transferred(string From, string To, long Amount, long Timestamp = 0) : ILedgerEvent;
