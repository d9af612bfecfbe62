namespace Pipeline.Ledger;

/// <summary>
/// What an accepted command left in the accounts it touched: its account (for a transfer the source) and, for a
/// transfer, the destination (else slot -1 and zeros).
/// </summary>
/// <remarks>
/// A slot numbers an account within one <see cref="LedgerState"/> instance (0, 1, 2... as accounts are opened or
/// restored, never reused), so that a consumer of the changes can keep its own per-account data in an array
/// instead of hashing the id again. Slots are not part of the state: a restart may number the accounts differently.
/// </remarks>
/// <param name="SlotA">The command's account's slot.</param>
/// <param name="BalanceA">The balance of the command's account after it.</param>
/// <param name="VersionA">The version of the command's account after it.</param>
/// <param name="SlotB">A transfer's destination slot, else -1.</param>
/// <param name="BalanceB">A transfer's destination balance after it, else 0.</param>
/// <param name="VersionB">A transfer's destination version after it, else 0.</param>
public readonly record struct AccountChange(int SlotA, long BalanceA, long VersionA, int SlotB, long BalanceB, long VersionB);
