using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>The application stage's failures: the event is answered REJECTED (<c>handler_failed</c>) unless it already failed otherwise.</summary>
internal sealed class ApplicationStageExceptionHandler<TEntry>(ILogger logger, FailureLog failures) : StageExceptionHandler<TEntry>(logger, failures)
    where TEntry : CommandEvent
{
    protected override void Isolate(CommandEvent entry)
    {
        entry.ClearEvents();
        if (entry.Status is AckStatus.Ok or AckStatus.Rejected)
        {
            entry.Status = AckStatus.Rejected;
            entry.Detail = EngineRejectReasons.HandlerFailed;
        }
    }
}
