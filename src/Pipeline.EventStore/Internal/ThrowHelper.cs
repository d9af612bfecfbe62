using System;
using System.Diagnostics.CodeAnalysis;

namespace Pipeline.EventStore.Internal;

// Throw sites live here so that EventLogWriter.Append stays small. paramName is Append's parameter; the message
// names the field of EventToAppend that breaks its rule.
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowNameLength(string field, int length, string paramName) =>
        throw new ArgumentException($"The {field} must be 1 to 255 UTF-8 bytes; it is {length}.", paramName);

    [DoesNotReturn]
    public static void ThrowPayloadTooLarge(int length, int max, string paramName) =>
        throw new ArgumentException($"The payload is {length} bytes, above MaxPayloadBytes ({max}).", paramName);

    [DoesNotReturn]
    public static void ThrowStreamVersion(long streamVersion, string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, streamVersion, "The stream version must be at least 1 (stream versions count 1, 2, 3, ... per stream).");

    [DoesNotReturn]
    public static void ThrowCommandSequence(long commandSequence, long lastCommandSequence, string paramName) =>
        throw new ArgumentOutOfRangeException(
            paramName,
            commandSequence,
            $"The command sequence must be at least 1 and never below the previous event's ({lastCommandSequence}): events are appended in journal order.");

    [DoesNotReturn]
    public static void ThrowPositionGap(long expectedPosition, long nextPosition, string paramName) =>
        throw new ArgumentException(
            $"The event expects position {expectedPosition} but the next position is {nextPosition}: positions have no gaps and no repeats.",
            paramName);

    [DoesNotReturn]
    public static void ThrowFailedEarlier(Exception fault) =>
        throw new InvalidOperationException("The event log writer failed earlier and accepts nothing more; reopen the log to recover it.", fault);
}
