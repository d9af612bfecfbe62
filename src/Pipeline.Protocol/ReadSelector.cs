namespace Pipeline.Protocol;

/// <summary>Which events a READ asks for, and what its <c>from</c> field means (docs/protocol.md, "Version 2").</summary>
public enum ReadSelector : byte
{
    /// <summary>Every event, by global position, oldest first; from = the first position (0 means 1).</summary>
    AllForward = 1,

    /// <summary>Every event, by global position, newest first; from = the newest position (above the head: the head; 0: nothing).</summary>
    AllBackward = 2,

    /// <summary>One stream (key = stream id), by stream version; from = the first stream version (0 means 1).</summary>
    Stream = 3,

    /// <summary>One event type (key = type), by global position; from = the first position (0 means 1).</summary>
    Type = 4,

    /// <summary>One producer (producer_id), by global position; from = the first position (0 means 1).</summary>
    Producer = 5,

    /// <summary>Every event from the first one whose timestamp is at or after from (UTC ticks, as an i64), by global position.</summary>
    Time = 6,
}
