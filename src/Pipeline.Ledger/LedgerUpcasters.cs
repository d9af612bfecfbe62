using Pipeline.Schemas.Upcasting;

namespace Pipeline.Ledger;

/// <summary>
/// The ledger's version steps: the engine reads every command through them before the decoder sees it, and
/// <see cref="LedgerStoredEvents"/> reads every stored event through them, so both only ever parse the newest shapes.
/// </summary>
public static class LedgerUpcasters
{
    /// <summary>The deepest nesting <see cref="LedgerCommandParser"/> reads: a deeper payload is malformed in every version.</summary>
    internal const int MaxCommandDepth = 8;

    /// <summary>
    /// <c>ledger.deposit</c> 1 -> 2: a <c>reference</c> member is unknown in version 1, so it is dropped (version 2
    /// would read it). <c>ledger.deposited</c> 1 -> 2: version 2 reads version 1 as it is (no reference).
    /// </summary>
    public static UpcasterChain Chain { get; } = new(
        Upcast.RemoveMember("ledger.deposit", LedgerCommandParser.SchemaVersion, "reference", MaxCommandDepth),
        Upcast.Identity("ledger.deposited", 1));
}
