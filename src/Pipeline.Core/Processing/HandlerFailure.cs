using System;

namespace Pipeline.Core.Processing;

/// <summary>One handler failure: which event, which handler, what it threw.</summary>
/// <param name="Sequence">The sequence of the event, or -1 for a failure in OnStart/OnShutdown.</param>
/// <param name="HandlerName">The name of the processor that ran the handler.</param>
/// <param name="Exception">What the handler threw.</param>
/// <param name="Action">What the processor did about it.</param>
public readonly record struct HandlerFailure(long Sequence, string HandlerName, Exception Exception, FailureAction Action);
