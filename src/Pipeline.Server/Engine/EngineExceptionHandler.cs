using System;
using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;
using Pipeline.Journal;
using Pipeline.Ledger;
using Pipeline.Protocol;

namespace Pipeline.Server.Engine;

/// <summary>
/// Failure isolation for the command pipeline: a handler bug on one event makes that event REJECTED
/// (<c>handler_failed</c>), is logged and counted, and processing goes on. A journal failure halts: nothing that is
/// not durable may be acknowledged.
/// </summary>
internal sealed class EngineExceptionHandler : IExceptionHandler<CommandEvent>
{
    private readonly ILogger _logger;
    private readonly FailureLog _failures;

    public EngineExceptionHandler(ILogger logger, FailureLog failures)
    {
        _logger = logger;
        _failures = failures;
    }

    public FailureAction OnEventException(Exception exception, long sequence, ref CommandEvent entry, string handlerName)
    {
        if (exception is JournalWriteFailedException || handlerName == CommandPipeline.JournalStageName)
        {
            _failures.Report(new HandlerFailure(sequence, handlerName, exception, FailureAction.Halt));
            Log.JournalStageFailed(_logger, exception, handlerName, sequence);
            return FailureAction.Halt;
        }

        _failures.Report(new HandlerFailure(sequence, handlerName, exception, FailureAction.Continue));
        Log.HandlerFailed(_logger, exception, handlerName, sequence, entry.Sequence);
        if (handlerName.StartsWith(CommandPipeline.DecodeStageName, StringComparison.Ordinal))
        {
            entry.DecodeError = RejectReason.HandlerFailed;
        }
        else if (handlerName == CommandPipeline.LedgerStageName && entry.Status is AckStatus.Ok or AckStatus.Rejected)
        {
            entry.Status = AckStatus.Rejected;
            entry.Detail = RejectReason.HandlerFailed;
        }

        return FailureAction.Continue;
    }

    public void OnLifecycleException(Exception exception, string handlerName) =>
        Log.HandlerFailed(_logger, exception, handlerName, -1, 0);
}
