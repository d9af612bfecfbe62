using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;
using Pipeline.Ledger;
using Pipeline.Protocol;

namespace Pipeline.Server.Engine;

/// <summary>The ledger's failures: the event is answered REJECTED (<c>handler_failed</c>) unless it already failed otherwise.</summary>
internal sealed class LedgerStageExceptionHandler(ILogger logger, FailureLog failures) : StageExceptionHandler(logger, failures)
{
    protected override void Isolate(ref CommandEvent entry)
    {
        if (entry.Status is AckStatus.Ok or AckStatus.Rejected)
        {
            entry.Status = AckStatus.Rejected;
            entry.Detail = RejectReason.HandlerFailed;
        }
    }
}
