namespace Pipeline.Protocol;

/// <summary>A parsed UNSUBSCRIBE (protocol version 3); it has no BAD_REQUEST rule (an id that is not open is SUB_END NOT_FOUND).</summary>
public readonly ref struct UnsubscribeFrame
{
    /// <summary>Creates a frame from its field.</summary>
    public UnsubscribeFrame(ulong subscriptionId)
    {
        SubscriptionId = subscriptionId;
    }

    /// <summary>The subscription to end.</summary>
    public ulong SubscriptionId { get; }
}
