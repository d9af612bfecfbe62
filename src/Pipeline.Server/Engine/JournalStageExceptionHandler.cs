using System;
using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;

namespace Pipeline.Server.Engine;

/// <summary>The journal stage's failures: every one halts, since an event the journal did not take is not durable.</summary>
internal sealed class JournalStageExceptionHandler(ILogger logger, FailureLog failures) : StageExceptionHandler(logger, failures)
{
    protected override bool Halts(Exception exception) => true;
}
