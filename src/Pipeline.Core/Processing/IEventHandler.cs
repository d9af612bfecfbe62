namespace Pipeline.Core.Processing;

/// <summary>Handles the entries of a ring, one processor thread per handler instance.</summary>
/// <remarks>
/// Every method is called on the handler's own processor thread, never concurrently. Writes made to an entry
/// are visible to handlers of later stages. The optional members have empty defaults; a struct handler that
/// wants no boxing on those calls implements them itself.
/// </remarks>
public interface IEventHandler<T>
{
    /// <summary>
    /// Handles the entry of <paramref name="sequence"/>. <paramref name="endOfBatch"/> is true on the last entry
    /// of what was available at once: the moment to flush (group commit).
    /// </summary>
    void OnEvent(ref T entry, long sequence, bool endOfBatch);

    /// <summary>Called before each batch: its size, and how many entries were available in all.</summary>
    void OnBatchStart(long batchSize, long availableCount)
    {
    }

    /// <summary>Called once on the processor thread before the first event.</summary>
    void OnStart()
    {
    }

    /// <summary>Called once on the processor thread after the last event, when the processor stops.</summary>
    void OnShutdown()
    {
    }

    /// <summary>Called when a wait strategy with a timeout found nothing new; <paramref name="sequence"/> is the last handled.</summary>
    void OnTimeout(long sequence)
    {
    }
}
