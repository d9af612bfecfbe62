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
            reason = _state.Apply(command);
            if (reason is null)
            {
                if (command.Kind == LedgerCommandKind.Open)
                {
                    _accountIds.Add(command.Account);
                }

                RecordEffect(entry, command);
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

    private void RecordEffect(CommandEvent entry, in LedgerCommand command)
    {
        _state.TryGetAccount(command.Account, out long balance, out long version);
        entry.AccountA = command.Account;
        entry.BalanceA = balance;
        entry.VersionA = version;
        if (command.Kind == LedgerCommandKind.Transfer)
        {
            _state.TryGetAccount(command.To!, out balance, out version);
            entry.AccountB = command.To;
            entry.BalanceB = balance;
            entry.VersionB = version;
        }
    }
}
