using System.Threading;
using Pipeline.Core.Processing;
using Pipeline.Journal.Snapshots;
using Pipeline.Ledger;
using Pipeline.Protocol;

namespace Pipeline.Server.Engine;

/// <summary>
/// The sequenced stateful handler: applies journaled commands to the <see cref="LedgerState"/> in journal order,
/// decides OK or REJECTED, records what changed for the read model, and triggers snapshots.
/// </summary>
/// <remarks>One thread; reads no clock (the journal timestamp is on the entry). Follows the journal and decode stages.</remarks>
internal sealed class LedgerStage : IEventHandler<CommandEvent>
{
    private readonly LedgerState _state;
    private readonly AccountIdTable _accountIds;
    private readonly SnapshotScheduler? _snapshots;
    private readonly PipelineMetrics _metrics;
    private long _lastApplied;
    private long _lastTimestamp;

    public LedgerStage(LedgerState state, AccountIdTable accountIds, SnapshotScheduler? snapshots, PipelineMetrics metrics)
    {
        _state = state;
        _accountIds = accountIds;
        _snapshots = snapshots;
        _metrics = metrics;
        _lastApplied = state.LastSequence;
    }

    public LedgerState State => _state;

    public long LastApplied => Volatile.Read(ref _lastApplied);

    public long LastTimestampTicks => _lastTimestamp;

    public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch)
    {
        if (entry.Status is AckStatus.Invalid or AckStatus.Duplicate)
        {
            return; // never journaled
        }

        _state.RecordEvent(entry.Sequence, entry.ProducerId, entry.ProducerSequence);
        string? reason = entry.DecodeError;
        if (reason is null)
        {
            LedgerCommand command = entry.Command;
            reason = _state.Apply(command, entry.Hints, out AccountChange changed);
            if (reason is null)
            {
                if (command.Kind == LedgerCommandKind.Open)
                {
                    _accountIds.Add(command.Account, changed.SlotA);
                }

                RecordEffect(entry, command, changed);
            }
        }

        entry.Status = reason is null ? AckStatus.Ok : AckStatus.Rejected;
        entry.Detail = reason ?? string.Empty;
        if (!entry.IsReplay && reason is not null)
        {
            _metrics.Rejected();
        }

        _lastTimestamp = entry.TimestampTicks;
        Volatile.Write(ref _lastApplied, entry.Sequence);
        if (_snapshots is not null)
        {
            TrySnapshot(entry);
        }
    }

    private void TrySnapshot(CommandEvent entry)
    {
        try
        {
            _snapshots!.OnApplied(entry.Sequence, entry.TimestampTicks, _state);
        }
#pragma warning disable CA1031 // A failed capture must not change the event's outcome; the journal still holds everything.
        catch (System.Exception ex)
#pragma warning restore CA1031
        {
            SnapshotFailed?.Invoke(ex);
        }
    }

    public System.Action<System.Exception>? SnapshotFailed { get; set; }

    private static void RecordEffect(CommandEvent entry, in LedgerCommand command, in AccountChange changed)
    {
        entry.AccountA = command.Account;
        entry.SlotA = changed.SlotA;
        entry.BalanceA = changed.BalanceA;
        entry.VersionA = changed.VersionA;
        if (command.Kind == LedgerCommandKind.Transfer)
        {
            entry.AccountB = command.To;
            entry.SlotB = changed.SlotB;
            entry.BalanceB = changed.BalanceB;
            entry.VersionB = changed.VersionB;
        }
    }
}
