using System;

namespace Pipeline.EventStore;

/// <summary>One event for <see cref="EventLogWriter.Append"/>: names and payload are views the writer copies at once.</summary>
/// <remarks>A ref struct so that appending allocates nothing; the spans need only live until <c>Append</c> returns.</remarks>
public readonly ref struct EventToAppend
{
    /// <summary>Describes an event of <paramref name="streamId"/> at <paramref name="streamVersion"/>, caused by the command at <paramref name="commandSequence"/>.</summary>
    /// <param name="streamId">UTF-8, 1 to 255 bytes.</param>
    /// <param name="streamVersion">The event's version in its stream (1, 2, 3, ...); the caller keeps count.</param>
    /// <param name="type">UTF-8, 1 to 255 bytes.</param>
    /// <param name="schemaVersion">The version of the payload's schema.</param>
    /// <param name="payload">Opaque bytes, at most <see cref="EventLogOptions.MaxPayloadBytes"/>; may be empty.</param>
    /// <param name="commandSequence">The journal sequence of the causing command (at least 1, never below the previous event's).</param>
    /// <param name="timestampTicks">The command's journal timestamp, UTC ticks.</param>
    /// <param name="producerId">The command's producer; 0 = anonymous.</param>
    public EventToAppend(
        ReadOnlySpan<byte> streamId,
        long streamVersion,
        ReadOnlySpan<byte> type,
        ushort schemaVersion,
        ReadOnlySpan<byte> payload,
        long commandSequence,
        long timestampTicks,
        ulong producerId = 0)
    {
        StreamId = streamId;
        StreamVersion = streamVersion;
        Type = type;
        SchemaVersion = schemaVersion;
        Payload = payload;
        CommandSequence = commandSequence;
        TimestampTicks = timestampTicks;
        ProducerId = producerId;
    }

    /// <summary>The stream the event belongs to, UTF-8.</summary>
    public ReadOnlySpan<byte> StreamId { get; }

    /// <summary>The event's version in its stream.</summary>
    public long StreamVersion { get; }

    /// <summary>The event type, UTF-8.</summary>
    public ReadOnlySpan<byte> Type { get; }

    /// <summary>The version of the payload's schema.</summary>
    public ushort SchemaVersion { get; }

    /// <summary>The event's bytes.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The journal sequence of the command that caused the event.</summary>
    public long CommandSequence { get; }

    /// <summary>The command's journal timestamp, UTC ticks.</summary>
    public long TimestampTicks { get; }

    /// <summary>The command's producer; 0 = anonymous.</summary>
    public ulong ProducerId { get; }

    /// <summary>
    /// The position the caller expects the event to get; 0 (the default) skips the check. Any other value must be
    /// <see cref="EventLogWriter.LastPosition"/> + 1, or the append is refused as a gap (or a repeat).
    /// </summary>
    public long ExpectedPosition { get; init; }
}
