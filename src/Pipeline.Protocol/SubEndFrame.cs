using System;

namespace Pipeline.Protocol;

/// <summary>A parsed SUB_END (version 3): views into the received body.</summary>
public readonly ref struct SubEndFrame
{
    /// <summary>Creates a frame from its fields.</summary>
    public SubEndFrame(ulong subscriptionId, SubscriptionEndStatus status, ulong next, ReadOnlySpan<byte> message)
    {
        SubscriptionId = subscriptionId;
        Status = status;
        Next = next;
        Message = message;
    }

    /// <summary>The subscription that ended, or whose SUBSCRIBE (or CREDIT, UNSUBSCRIBE) was refused.</summary>
    public ulong SubscriptionId { get; }

    /// <summary>Why it ended; a byte no version defines is passed through as it came.</summary>
    public SubscriptionEndStatus Status { get; }

    /// <summary>The first position not considered: resume there with <see cref="SubscriptionStart.StartAt"/>.</summary>
    public ulong Next { get; }

    /// <summary>UTF-8: empty for UNSUBSCRIBED, else what happened.</summary>
    public ReadOnlySpan<byte> Message { get; }
}
