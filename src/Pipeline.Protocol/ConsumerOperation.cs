namespace Pipeline.Protocol;

/// <summary>What a CONSUMER_ADMIN does (docs/protocol.md, "Version 3"); any other byte is a malformed body.</summary>
public enum ConsumerOperation : byte
{
    /// <summary>Sets the checkpoint to the position, backwards too, creating the consumer if it is new.</summary>
    Reset = 1,

    /// <summary>Forgets the consumer; the position must be 0.</summary>
    Delete = 2,
}
