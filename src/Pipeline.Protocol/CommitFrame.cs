using System;

namespace Pipeline.Protocol;

/// <summary>A parsed COMMIT (protocol version 3): views into the receive buffer.</summary>
/// <remarks>
/// <see cref="TryValidate"/> checks the consumer name; a position above the visible head is the server's check.
/// </remarks>
public readonly ref struct CommitFrame
{
    /// <summary>Creates a frame from its fields.</summary>
    public CommitFrame(ulong requestId, ulong position, ReadOnlySpan<byte> consumer)
    {
        RequestId = requestId;
        Position = position;
        Consumer = consumer;
    }

    /// <summary>Echoed in the CONSUMER_RESULT.</summary>
    public ulong RequestId { get; }

    /// <summary>The consumer's new checkpoint: its last processed position.</summary>
    public ulong Position { get; }

    /// <summary>The consumer name (ASCII).</summary>
    public ReadOnlySpan<byte> Consumer { get; }

    /// <summary>Checks the consumer name; false with the CONSUMER_RESULT BAD_REQUEST message when it is not one.</summary>
    /// <remarks>Allocates only the message of a broken rule.</remarks>
    public bool TryValidate(out string? error) => ConsumerLimits.TryValidateConsumerName(Consumer, out error);
}
