using System;

namespace Pipeline.Ingest;

/// <summary>The limits and timing of push subscriptions (<see cref="SubscriptionService"/>).</summary>
public sealed class SubscriptionOptions
{
    /// <summary>A SUBSCRIBE beyond this many open subscriptions of one connection is refused with SUB_END TOO_MANY.</summary>
    public int MaxSubscriptionsPerConnection { get; init; } = 128;

    /// <summary>A SUBSCRIBE beyond this many open subscriptions on the whole server is refused with SUB_END TOO_MANY.</summary>
    public int MaxSubscriptions { get; init; } = 1024;

    /// <summary>A subscription that sent nothing for this long sends a HEARTBEAT.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A PUSH frame is closed once it holds this many bytes of records (or the connection's maximum frame length, if
    /// lower); a single larger event still goes alone in a frame up to the maximum frame length. Bounds the memory of
    /// one subscription.
    /// </summary>
    public int FrameBytes { get; init; } = 256 * 1024;

    /// <summary>The most events one read of a subscription examines (matched or not) before it lets others read the store.</summary>
    public int MaxExaminedPerBatch { get; init; } = 4096;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (MaxSubscriptionsPerConnection < 1)
        {
            throw new ArgumentException("MaxSubscriptionsPerConnection must be at least 1.", nameof(MaxSubscriptionsPerConnection));
        }

        if (MaxSubscriptions < 1)
        {
            throw new ArgumentException("MaxSubscriptions must be at least 1.", nameof(MaxSubscriptions));
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("HeartbeatInterval must be positive.", nameof(HeartbeatInterval));
        }

        if (FrameBytes < 1024)
        {
            throw new ArgumentException("FrameBytes must be at least 1024.", nameof(FrameBytes));
        }

        if (MaxExaminedPerBatch < 1)
        {
            throw new ArgumentException("MaxExaminedPerBatch must be at least 1.", nameof(MaxExaminedPerBatch));
        }
    }
}
