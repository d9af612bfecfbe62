using Pipeline.Journal;
using Pipeline.Journal.Replay;

namespace Pipeline.Ledger;

/// <summary>
/// Applies journal records straight to a <see cref="LedgerState"/> (decode, then apply) on the calling thread:
/// the same decisions as the pipeline's decode and ledger stages, for tools and proofs.
/// </summary>
public sealed class LedgerReplay : IReplayTarget
{
    /// <summary>Applies records to <paramref name="state"/>.</summary>
    public LedgerReplay(LedgerState state)
    {
        State = state;
    }

    /// <summary>The state being rebuilt.</summary>
    public LedgerState State { get; }

    /// <summary>Records applied.</summary>
    public long Applied { get; private set; }

    /// <summary>Records refused by the ledger's rules.</summary>
    public long Rejected { get; private set; }

    /// <inheritdoc />
    public void Apply(in JournalRecord record)
    {
        string? reason = ApplyRecord(State, record);
        Applied++;
        if (reason is not null)
        {
            Rejected++;
        }
    }

    /// <inheritdoc />
    public void EndOfBatch()
    {
    }

    /// <summary>Decodes and applies one record; returns the reject reason, or null if accepted.</summary>
    public static string? ApplyRecord(LedgerState state, in JournalRecord record)
    {
        System.ArgumentNullException.ThrowIfNull(state);
        LedgerCommandKind kind = LedgerCommandParser.KindOf(record.Type);
        if (kind == LedgerCommandKind.None || record.SchemaVersion != LedgerCommandParser.SchemaVersion)
        {
            return RejectReason.MalformedPayload; // never journaled by the server (INVALID), but a journal could hold it
        }

        return LedgerCommandParser.TryParse(kind, record.Payload, out LedgerCommand command, out string? reason)
            ? state.Apply(command)
            : reason;
    }
}
