namespace Pipeline.EventStore;

/// <summary>How an <see cref="EventStoreReader"/> read ended.</summary>
public enum EventReadStatus
{
    /// <summary>The read ran (possibly with no events).</summary>
    Ok,

    /// <summary>A stream read named a stream with no visible event.</summary>
    StreamNotFound,
}

/// <summary>The end of one <see cref="EventStoreReader"/> read.</summary>
/// <param name="Status">Ok, or StreamNotFound.</param>
/// <param name="Count">Events handed to the sink (and accepted).</param>
/// <param name="Next">
/// Where to go on: for a stream read the next stream version, backward the next (lower) position (0: the start was
/// reached), else the next position. When <paramref name="Stopped"/>, it names the refused event.
/// </param>
/// <param name="Head">The visible head the read was capped at.</param>
/// <param name="Stopped">The sink refused an event.</param>
public readonly record struct EventReadResult(EventReadStatus Status, int Count, long Next, long Head, bool Stopped);
