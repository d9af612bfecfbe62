namespace Pipeline.Ingest;

/// <summary>The durable checkpoints a subscription with start CHECKPOINT resumes after (docs/protocol.md, "Version 3").</summary>
/// <remarks>Called on the thread pool, never on a connection's reader: it may block for an fsync in flight. Thread-safe.</remarks>
public interface IConsumerCheckpoints
{
    /// <summary>The checkpoint of <paramref name="consumer"/> (a valid consumer name); false when the consumer has none.</summary>
    /// <exception cref="System.IO.IOException">The checkpoint store failed.</exception>
    bool TryGetCheckpoint(string consumer, out long position);
}
