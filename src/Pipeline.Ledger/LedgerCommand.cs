namespace Pipeline.Ledger;

/// <summary>A decoded ledger command. <see cref="ExpectedVersion"/> is -1 when the command carries none.</summary>
/// <param name="Kind">The command type.</param>
/// <param name="Account">The account (for a transfer: the source, <c>from</c>).</param>
/// <param name="To">The destination of a transfer, else null.</param>
/// <param name="Amount">The amount in minor units (0 for open).</param>
/// <param name="ExpectedVersion">The required version of <paramref name="Account"/>, or -1.</param>
/// <param name="Reference">A deposit's optional reference (schema version 2; a version 1 deposit has none).</param>
public readonly record struct LedgerCommand(LedgerCommandKind Kind, string Account, string? To, long Amount, long ExpectedVersion, string? Reference = null)
{
    /// <summary>The longest deposit reference, in characters (Unicode scalar values).</summary>
    public const int MaxReferenceLength = 128;

    /// <summary>The largest amount a command may carry: 10^15 minor units.</summary>
    public const long MaxAmount = 1_000_000_000_000_000;

    /// <summary>The longest account id, in characters (Unicode scalar values).</summary>
    public const int MaxAccountLength = 64;
}
