using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;

namespace Pipeline.Hosting.Engine;

/// <summary>A decoder's failures: the event's decode error becomes <c>handler_failed</c>, so the application stage rejects it.</summary>
internal sealed class DecodeStageExceptionHandler<TEntry>(ILogger logger, FailureLog failures) : StageExceptionHandler<TEntry>(logger, failures)
    where TEntry : CommandEvent
{
    protected override void Isolate(CommandEvent entry) => entry.DecodeError = EngineRejectReasons.HandlerFailed;
}
