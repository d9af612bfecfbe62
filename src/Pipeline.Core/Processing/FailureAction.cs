namespace Pipeline.Core.Processing;

/// <summary>What a processor does after a handler threw for one event.</summary>
public enum FailureAction
{
    /// <summary>The failure is reported and the processor goes on with the next event (isolation).</summary>
    Continue,

    /// <summary>The processor stops before the failed event; it is not marked processed.</summary>
    Halt,
}
