using Pipeline.Core.Processing;
using Pipeline.Ledger;
using Pipeline.Protocol;

namespace Pipeline.Server.Engine;

/// <summary>Feeds the read model from the changes the ledger stage recorded on each entry; runs beside the ack stage.</summary>
internal sealed class ReadModelStage : IEventHandler<CommandEvent>
{
    private readonly LedgerReadModel _model;
    private long _position;

    public ReadModelStage(LedgerReadModel model)
    {
        _model = model;
        _position = model.Position;
    }

    public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch)
    {
        if (entry.Status is AckStatus.Ok or AckStatus.Rejected)
        {
            if (entry.Status == AckStatus.Ok && entry.AccountA is { } a)
            {
                LedgerCommand command = entry.Command;
                long delta = command.Kind switch
                {
                    LedgerCommandKind.Deposit => command.Amount,
                    LedgerCommandKind.Withdraw => -command.Amount,
                    _ => 0,
                };
                _model.Apply(a, entry.SlotA, entry.BalanceA, entry.VersionA, command.Kind == LedgerCommandKind.Open, delta);
                if (entry.AccountB is { } b)
                {
                    _model.Apply(b, entry.SlotB, entry.BalanceB, entry.VersionB, opened: false, 0);
                }
            }

            _position = entry.Sequence;
        }

        // The last reader of these: dropping them now lets the per-command strings die young instead of being
        // promoted (the ring entries are old, so whatever they reference survives every young collection).
        entry.Command = default;
        entry.AccountA = null;
        entry.AccountB = null;
        entry.SlotA = -1;
        entry.SlotB = -1;
        entry.DecodeError = null;

        if (endOfBatch)
        {
            _model.Advance(_position);
        }
    }
}
