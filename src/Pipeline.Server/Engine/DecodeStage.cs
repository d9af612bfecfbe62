using Pipeline.Core.Processing;
using Pipeline.Ledger;

namespace Pipeline.Server.Engine;

/// <summary>A stateless decoder: parses the JSON payload into a <see cref="LedgerCommand"/>; N of them split the stream.</summary>
/// <remarks>Runs in parallel with the journal stage; it reads only what the publisher wrote.</remarks>
internal sealed class DecodeStage(AccountIdTable accountIds) : IEventHandler<CommandEvent>
{
    public void OnEvent(ref CommandEvent entry, long sequence, bool endOfBatch)
    {
        LedgerCommandKind kind = LedgerCommandParser.KindOf(entry.Type);
        if (kind == LedgerCommandKind.None)
        {
            entry.DecodeError = RejectReason.MalformedPayload; // the journal stage refuses it as INVALID anyway
            return;
        }

        if (LedgerCommandParser.TryParse(kind, entry.Payload, accountIds, out LedgerCommand command, out AccountHints hints, out string? reason))
        {
            entry.Command = command;
            entry.Hints = hints;
            entry.DecodeError = null;
        }
        else
        {
            entry.DecodeError = reason;
            entry.Hints = AccountHints.None;
        }
    }
}
