namespace Pipeline.Ledger;

/// <summary>What an accepted ledger command did to one account: the ledger's events, one per account changed.</summary>
public enum LedgerEventKind : byte
{
    /// <summary><c>ledger.opened</c>: the account exists, balance 0, version 1.</summary>
    Opened = 1,

    /// <summary><c>ledger.deposited</c>.</summary>
    Deposited = 2,

    /// <summary><c>ledger.withdrawn</c>.</summary>
    Withdrawn = 3,

    /// <summary><c>ledger.transferred</c> in the source account's stream.</summary>
    TransferredOut = 4,

    /// <summary><c>ledger.transferred</c> in the destination account's stream.</summary>
    TransferredIn = 5,
}

/// <summary>
/// A ledger event: the change to <see cref="Account"/>, with the balance and version it left. A transfer is two
/// events with the same type and payload fields, one in each account's stream, so that either stream alone tells
/// its account's whole history.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Account">The account whose stream holds the event.</param>
/// <param name="Stream">The account's stream id (<c>account-</c> + id), the ledger's cached instance.</param>
/// <param name="Amount">The amount moved (0 for opened).</param>
/// <param name="Balance">The account's balance after the event.</param>
/// <param name="Version">The account's version after the event (its stream version).</param>
/// <param name="From">For a transfer: the source account.</param>
/// <param name="To">For a transfer: the destination account.</param>
/// <param name="Slot">The account's slot in this process's state (see <see cref="AccountChange"/>); not stored.</param>
/// <param name="Reference">A deposit's reference (stored as <c>ledger.deposited</c> version 2; null: version 1).</param>
public readonly record struct LedgerEvent(
    LedgerEventKind Kind,
    string Account,
    string Stream,
    long Amount,
    long Balance,
    long Version,
    string? From = null,
    string? To = null,
    int Slot = -1,
    string? Reference = null);
