using Pipeline.Consumers;
using Pipeline.Ingest;

namespace Pipeline.Hosting.Engine;

/// <summary>The checkpoint store as the subscriptions see it: where start CHECKPOINT resumes.</summary>
/// <remarks>Thread-safe (the store is); may block for an fsync in flight, so it is called on the thread pool only.</remarks>
internal sealed class StoreCheckpoints(CheckpointStore store) : IConsumerCheckpoints
{
    public bool TryGetCheckpoint(string consumer, out long position)
    {
        bool found = store.TryGet(consumer, out ConsumerCheckpoint checkpoint);
        position = checkpoint.Position;
        return found;
    }
}
