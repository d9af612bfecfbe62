namespace Pipeline.EventStore;

/// <summary>Takes the events an <see cref="EventStoreReader"/> reads, one by one, without a copy.</summary>
public interface IEventRecordSink
{
    /// <summary>
    /// Takes <paramref name="record"/> (a view valid only during the call); false refuses it and ends the read
    /// before it (e.g. a full batch), and the result's <see cref="EventReadResult.Next"/> then names it.
    /// </summary>
    /// <remarks>Called under the reader's lock: it must not call back into the reader, and should not block.</remarks>
    bool TryAccept(in EventRecord record);
}
