using System;
using Pipeline.Journal;
using Pipeline.Ledger;

namespace Pipeline.Testing;

/// <summary>Applies journaled ledger events to a <see cref="LedgerState"/> the way the ledger handler does.</summary>
public static class LedgerApplier
{
    /// <summary>The outcome of an event whose type is not a ledger command (it is journaled and changes nothing).</summary>
    public const string UnknownType = "unknown_type";

    /// <summary>
    /// Records the event, decodes it and applies it. Returns null if accepted, else the reject reason
    /// (or <see cref="UnknownType"/>).
    /// </summary>
    public static string? Apply(LedgerState state, long sequence, ulong producerId, ulong producerSequence, ReadOnlySpan<byte> type, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(state);
        LedgerCommandKind kind = LedgerCommandParser.KindOf(type);
        if (kind == LedgerCommandKind.None)
        {
            return UnknownType;
        }

        if (!LedgerCommandParser.TryParse(kind, payload, out LedgerCommand command, out string? reason))
        {
            return reason;
        }

        return state.Apply(command);
    }

    /// <summary>Applies a record read back from the journal.</summary>
    public static string? Apply(LedgerState state, in JournalRecord record) =>
        Apply(state, record.Sequence, record.ProducerId, record.ProducerSequence, record.Type, record.Payload);

    /// <summary>Applies a generated command as the event at <paramref name="sequence"/>.</summary>
    public static string? Apply(LedgerState state, long sequence, WorkloadCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Apply(state, sequence, command.ProducerId, command.ProducerSequence, command.Type, command.Payload);
    }
}
