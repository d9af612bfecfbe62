namespace Pipeline.EventStore.Internal;

/// <summary>An index entry that matched a key: the event's position and its record's offset in the segment.</summary>
internal readonly record struct IndexHit(long Position, long Offset);
