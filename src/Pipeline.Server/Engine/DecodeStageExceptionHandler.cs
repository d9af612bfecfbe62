using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;
using Pipeline.Ledger;

namespace Pipeline.Server.Engine;

/// <summary>A decoder's failures: the event's decode error becomes <c>handler_failed</c>, so the ledger rejects it.</summary>
internal sealed class DecodeStageExceptionHandler(ILogger logger, FailureLog failures) : StageExceptionHandler(logger, failures)
{
    protected override void Isolate(ref CommandEvent entry) => entry.DecodeError = RejectReason.HandlerFailed;
}
