using System;

namespace Pipeline.Client;

/// <summary>One event as a READ returned it.</summary>
/// <param name="Position">The event's global position (1, 2, 3, ...).</param>
/// <param name="CommandSequence">The journal sequence of the command that caused it.</param>
/// <param name="TimestampTicks">The command's timestamp: .NET UTC ticks (see <see cref="Timestamp"/>).</param>
/// <param name="ProducerId">The command's producer (0 = anonymous).</param>
/// <param name="Stream">The stream id.</param>
/// <param name="StreamVersion">The event's version in its stream (1, 2, 3, ...).</param>
/// <param name="Type">The event type.</param>
/// <param name="SchemaVersion">The payload's schema version.</param>
/// <param name="Payload">The payload bytes.</param>
public sealed record StoredEvent(
    ulong Position,
    ulong CommandSequence,
    long TimestampTicks,
    ulong ProducerId,
    string Stream,
    ulong StreamVersion,
    string Type,
    ushort SchemaVersion,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>The command's timestamp as a UTC <see cref="DateTime"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ticks are outside <see cref="DateTime"/>'s range (a bad server).</exception>
    public DateTime Timestamp => new(TimestampTicks, DateTimeKind.Utc);
}
