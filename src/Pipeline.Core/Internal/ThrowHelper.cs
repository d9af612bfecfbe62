using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace Pipeline.Core.Internal;

// Throw sites live here so that hot-path callers stay small enough to inline.
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowClaimSizeOutOfRange(int n, int bufferSize) =>
        throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be between 1 and the buffer size ({bufferSize}).");

    [DoesNotReturn]
    public static void ThrowAlreadyRunning(string name) =>
        throw new InvalidOperationException($"Processor '{name}' is already running.");

    [DoesNotReturn]
    public static void ThrowAlreadyStarted() =>
        throw new InvalidOperationException("The pipeline was already started; a pipeline runs once.");

    [DoesNotReturn]
    public static void ThrowAlreadyBuilt() =>
        throw new InvalidOperationException("The pipeline was already built; the builder cannot change it any more.");

    [DoesNotReturn]
    public static void ThrowNoHandlers() =>
        throw new InvalidOperationException("A pipeline needs at least one handler.");

    [DoesNotReturn]
    public static void ThrowAlerted(CancellationToken token) =>
        throw new OperationCanceledException("The barrier was alerted (the processor is halting).", token);

    [DoesNotReturn]
    public static void ThrowMaxBatchSizeOutOfRange(int maxBatchSize, string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, maxBatchSize, "The max batch size must be at least 1: a handler gets at least one event per batch.");

    [DoesNotReturn]
    public static void ThrowNotBuilt() =>
        throw new InvalidOperationException("A stage's processors are created by Build(): build the pipeline before asking for them.");
}
