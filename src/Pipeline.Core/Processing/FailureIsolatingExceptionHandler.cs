using System;

namespace Pipeline.Core.Processing;

/// <summary>
/// The default exception handler: every failure goes to an <see cref="IFailureSink"/>; the policy decides whether
/// processing continues with the next event (the default) or the processor halts.
/// </summary>
public sealed class FailureIsolatingExceptionHandler<T> : IExceptionHandler<T>
{
    private readonly IFailureSink _sink;
    private readonly FailureAction _policy;

    /// <summary>Creates the handler; <paramref name="policy"/> is what every failure leads to.</summary>
    public FailureIsolatingExceptionHandler(IFailureSink sink, FailureAction policy = FailureAction.Continue)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (policy is not (FailureAction.Continue or FailureAction.Halt))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "policy must be Continue or Halt.");
        }

        _sink = sink;
        _policy = policy;
    }

    /// <inheritdoc />
    public FailureAction OnEventException(Exception exception, long sequence, ref T entry, string handlerName)
    {
        _sink.Report(new HandlerFailure(sequence, handlerName, exception, _policy));
        return _policy;
    }

    /// <inheritdoc />
    public void OnLifecycleException(Exception exception, string handlerName) =>
        _sink.Report(new HandlerFailure(-1, handlerName, exception, FailureAction.Continue));
}
