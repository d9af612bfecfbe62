namespace Pipeline.Protocol;

/// <summary>The status of a CONSUMER_RESULT (docs/protocol.md, "Version 3").</summary>
public enum ConsumerResultStatus : byte
{
    /// <summary>Done and durable.</summary>
    Ok = 0,

    /// <summary>A COMMIT below the current checkpoint: nothing changed; position is the current one.</summary>
    Stale = 1,

    /// <summary>A bad consumer name, a position above the visible head, or DELETE with a position; message says which.</summary>
    BadRequest = 2,

    /// <summary>DELETE of a consumer that does not exist.</summary>
    NotFound = 3,

    /// <summary>The server keeps no checkpoints (event store off).</summary>
    NotSupported = 4,

    /// <summary>The checkpoint could not be made durable (message says why); nothing changed.</summary>
    StoreError = 5,
}
