namespace Pipeline.Ledger;

/// <summary>The reason codes of a REJECTED acknowledgement (protocol.md).</summary>
public static class RejectReason
{
    /// <summary>The payload is not a JSON object with the command's fields of the right types.</summary>
    public const string MalformedPayload = "malformed_payload";

    /// <summary>The amount is not an integer from 1 to 10^15 (or would overflow the balance).</summary>
    public const string InvalidAmount = "invalid_amount";

    /// <summary>An account named by the command does not exist.</summary>
    public const string UnknownAccount = "unknown_account";

    /// <summary>ledger.open of an account that exists.</summary>
    public const string AccountExists = "account_exists";

    /// <summary>The balance would go below zero.</summary>
    public const string InsufficientFunds = "insufficient_funds";

    /// <summary>expectedVersion differs from the account's version.</summary>
    public const string VersionConflict = "version_conflict";

    /// <summary>A transfer from an account to itself.</summary>
    public const string SameAccount = "same_account";

    /// <summary>A handler failed on the event (an isolated bug, not a rule): the event changed no state.</summary>
    public const string HandlerFailed = "handler_failed";
}
