using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The failures of a stage that leaves the event as it is (the ACK and read-model stage): reported, logged, and
/// processing goes on; a journal failure still halts.
/// </summary>
internal sealed class IsolatingStageExceptionHandler<TEntry>(ILogger logger, FailureLog failures) : StageExceptionHandler<TEntry>(logger, failures)
    where TEntry : CommandEvent;
