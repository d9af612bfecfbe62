namespace Pipeline.Protocol;

/// <summary>Where a SUBSCRIBE starts (docs/protocol.md, "Version 3"); any other byte is a malformed body.</summary>
public enum SubscriptionStart : byte
{
    /// <summary>At position 1.</summary>
    Beginning = 1,

    /// <summary>After the visible head at the SUBSCRIBE: only events that become visible later.</summary>
    End = 2,

    /// <summary>At <c>from</c> (0 means 1); beyond the head the subscription waits for it.</summary>
    StartAt = 3,

    /// <summary>After the named consumer's checkpoint; a consumer without one is refused (CONSUMER_NOT_FOUND).</summary>
    Checkpoint = 4,
}
