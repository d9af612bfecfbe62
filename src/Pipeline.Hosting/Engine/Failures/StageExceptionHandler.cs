using System;
using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;
using Pipeline.Journal;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// Failure isolation for one stage of the command pipeline: a handler bug on one event is reported, logged, marked
/// on the event as the stage requires (<see cref="Isolate"/>), and processing goes on. A journal failure halts,
/// whichever stage it reaches: nothing that is not durable may be acknowledged.
/// </summary>
/// <remarks>Called on the failing processor's thread; one instance per stage, registered through its stage options.</remarks>
internal abstract class StageExceptionHandler<TEntry> : IExceptionHandler<TEntry>
    where TEntry : CommandEvent
{
    private readonly ILogger _logger;
    private readonly FailureLog _failures;

    protected StageExceptionHandler(ILogger logger, FailureLog failures)
    {
        _logger = logger;
        _failures = failures;
    }

    public FailureAction OnEventException(Exception exception, long sequence, ref TEntry entry, string handlerName)
    {
        if (Halts(exception))
        {
            _failures.Report(new HandlerFailure(sequence, handlerName, exception, FailureAction.Halt));
            Log.JournalStageFailed(_logger, exception, handlerName, sequence);
            return FailureAction.Halt;
        }

        _failures.Report(new HandlerFailure(sequence, handlerName, exception, FailureAction.Continue));
        Log.HandlerFailed(_logger, exception, handlerName, sequence, entry.Sequence);
        Isolate(entry);
        return FailureAction.Continue;
    }

    public void OnLifecycleException(Exception exception, string handlerName) =>
        Log.HandlerFailed(_logger, exception, handlerName, -1, 0);

    /// <summary>Whether <paramref name="exception"/> halts the stage instead of being isolated to its event.</summary>
    protected virtual bool Halts(Exception exception) => exception is JournalWriteFailedException;

    /// <summary>Marks the failed event so that the later stages answer it as the stage's failure requires.</summary>
    protected virtual void Isolate(CommandEvent entry)
    {
    }
}
