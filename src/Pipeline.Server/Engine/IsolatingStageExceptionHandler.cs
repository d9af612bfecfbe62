using Microsoft.Extensions.Logging;
using Pipeline.Core.Processing;

namespace Pipeline.Server.Engine;

/// <summary>
/// The failures of a stage that leaves the event as it is (the ACK and read-model stage): reported, logged, and
/// processing goes on; a journal failure still halts.
/// </summary>
internal sealed class IsolatingStageExceptionHandler(ILogger logger, FailureLog failures) : StageExceptionHandler(logger, failures);
