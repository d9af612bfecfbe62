namespace Pipeline.EventStore.Internal;

/// <summary>Which index an <see cref="EventIndexCursor"/> reads.</summary>
internal enum IndexQuery
{
    Stream,
    Type,
    Producer,
}
