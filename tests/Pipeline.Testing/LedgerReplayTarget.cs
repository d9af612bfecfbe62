using System;
using Pipeline.Journal;
using Pipeline.Journal.Replay;
using Pipeline.Ledger;

namespace Pipeline.Testing;

/// <summary>A replay target that applies each record to a ledger state and checks that sequences arrive with no gap.</summary>
public sealed class LedgerReplayTarget : IReplayTarget
{
    private long _lastSequence;

    /// <summary>Replays into <paramref name="state"/>, which reflects every event up to <paramref name="startSequence"/>.</summary>
    public LedgerReplayTarget(LedgerState state, long startSequence)
    {
        ArgumentNullException.ThrowIfNull(state);
        State = state;
        _lastSequence = startSequence;
    }

    /// <summary>The state being rebuilt.</summary>
    public LedgerState State { get; }

    /// <summary>Records applied.</summary>
    public long Applied { get; private set; }

    /// <summary>Batches ended.</summary>
    public int Batches { get; private set; }

    /// <summary>The last sequence applied.</summary>
    public long LastSequence => _lastSequence;

    /// <inheritdoc />
    public void Apply(in JournalRecord record)
    {
        if (record.Sequence != _lastSequence + 1)
        {
            throw new InvalidOperationException($"Replay delivered sequence {record.Sequence} after {_lastSequence}.");
        }

        LedgerApplier.Apply(State, record);
        _lastSequence = record.Sequence;
        Applied++;
    }

    /// <inheritdoc />
    public void EndOfBatch() => Batches++;
}
