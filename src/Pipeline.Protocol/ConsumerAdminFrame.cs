using System;
using System.Globalization;

namespace Pipeline.Protocol;

/// <summary>A parsed CONSUMER_ADMIN (protocol version 3): views into the receive buffer.</summary>
/// <remarks>
/// <see cref="ClientFrames.TryParseConsumerAdmin"/> refuses an operation byte outside 1..2; <see cref="TryValidate"/>
/// checks the consumer name and DELETE's position; a RESET above the visible head is the server's check.
/// </remarks>
public readonly ref struct ConsumerAdminFrame
{
    /// <summary>Creates a frame from its fields.</summary>
    public ConsumerAdminFrame(ulong requestId, ConsumerOperation operation, ulong position, ReadOnlySpan<byte> consumer)
    {
        RequestId = requestId;
        Operation = operation;
        Position = position;
        Consumer = consumer;
    }

    /// <summary>Echoed in the CONSUMER_RESULT.</summary>
    public ulong RequestId { get; }

    /// <summary>Reset or delete.</summary>
    public ConsumerOperation Operation { get; }

    /// <summary><see cref="ConsumerOperation.Reset"/>: the new checkpoint; <see cref="ConsumerOperation.Delete"/>: 0.</summary>
    public ulong Position { get; }

    /// <summary>The consumer name (ASCII).</summary>
    public ReadOnlySpan<byte> Consumer { get; }

    /// <summary>Checks the rules of a well-formed CONSUMER_ADMIN; false with the CONSUMER_RESULT BAD_REQUEST message when one is broken.</summary>
    /// <remarks>Allocates only the message of a broken rule.</remarks>
    public bool TryValidate(out string? error)
    {
        if (!ConsumerLimits.TryValidateConsumerName(Consumer, out error))
        {
            return false;
        }

        if (Operation == ConsumerOperation.Delete && Position != 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"operation Delete takes no position; it must be 0 (it is {Position})");
            return false;
        }

        return true;
    }
}
