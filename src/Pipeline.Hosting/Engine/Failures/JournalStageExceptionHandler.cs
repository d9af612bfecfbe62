using System;
using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;

namespace Pipeline.Hosting.Engine;

/// <summary>The journal stage's failures: every one halts, since an event the journal did not take is not durable.</summary>
internal sealed class JournalStageExceptionHandler<TEntry>(ILogger logger, FailureLog failures) : StageExceptionHandler<TEntry>(logger, failures)
    where TEntry : CommandEvent
{
    protected override bool Halts(Exception exception) => true;
}
