namespace Pipeline.Protocol;

/// <summary>The status of a READ_END (docs/protocol.md, "Version 2").</summary>
/// <remarks>0 to 3 mean what they mean in a RESULT.</remarks>
public enum ReadStatus : byte
{
    /// <summary>Every event asked for and visible was sent; next says where to go on.</summary>
    Ok = 0,

    /// <summary>A stream read named a stream that has no visible event.</summary>
    NotFound = 1,

    /// <summary>The READ was well-formed but broke a rule (max_count, key length, fields the selector does not use); message says which.</summary>
    BadRequest = 2,

    /// <summary>The visible head did not reach min_sequence within the server's wait limit.</summary>
    Timeout = 3,

    /// <summary>This server speaks version 2 but does not serve reads.</summary>
    NotSupported = 4,

    /// <summary>The event store failed while reading (message says why); EVENTS frames may have come before.</summary>
    StoreError = 5,

    /// <summary>The next event is larger than the largest frame the server sends; next is its position (or stream version).</summary>
    TooLarge = 6,
}
