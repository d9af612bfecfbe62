namespace Pipeline.Ledger;

/// <summary>The ledger's command types (protocol.md, "The default application").</summary>
public enum LedgerCommandKind : byte
{
    /// <summary>Not a ledger command.</summary>
    None = 0,

    /// <summary><c>ledger.open</c>: <c>{"account": "a-1"}</c>.</summary>
    Open = 1,

    /// <summary><c>ledger.deposit</c>: <c>{"account": "a-1", "amount": 100}</c>.</summary>
    Deposit = 2,

    /// <summary><c>ledger.withdraw</c>: <c>{"account": "a-1", "amount": 40}</c>.</summary>
    Withdraw = 3,

    /// <summary><c>ledger.transfer</c>: <c>{"from": "a-1", "to": "b-2", "amount": 25}</c>.</summary>
    Transfer = 4,
}
