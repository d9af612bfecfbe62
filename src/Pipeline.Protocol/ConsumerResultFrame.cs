using System;

namespace Pipeline.Protocol;

/// <summary>A parsed CONSUMER_RESULT (version 3): views into the received body.</summary>
public readonly ref struct ConsumerResultFrame
{
    /// <summary>Creates a frame from its fields.</summary>
    public ConsumerResultFrame(ulong requestId, ConsumerResultStatus status, ulong position, ReadOnlySpan<byte> message)
    {
        RequestId = requestId;
        Status = status;
        Position = position;
        Message = message;
    }

    /// <summary>The COMMIT or CONSUMER_ADMIN it answers.</summary>
    public ulong RequestId { get; }

    /// <summary>How the request ended; a byte no version defines is passed through as it came.</summary>
    public ConsumerResultStatus Status { get; }

    /// <summary>The consumer's checkpoint after the request; 0 when it has none.</summary>
    public ulong Position { get; }

    /// <summary>UTF-8: empty for OK, else what went wrong.</summary>
    public ReadOnlySpan<byte> Message { get; }
}
