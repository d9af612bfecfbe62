namespace Pipeline.Ledger;

/// <summary>
/// Where the decoder found a command's accounts in the <see cref="AccountIdTable"/>: their slots in the ledger state,
/// or -1. Only hints: <see cref="LedgerState"/> checks that the slot holds the id and otherwise looks it up by id.
/// </summary>
/// <param name="Account">The slot of the command's account (a transfer's source), or -1.</param>
/// <param name="To">The slot of a transfer's destination, or -1.</param>
public readonly record struct AccountHints(int Account, int To)
{
    /// <summary>No hints: every account is looked up by id.</summary>
    public static AccountHints None => new(-1, -1);
}
