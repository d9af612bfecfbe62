using Pipeline.Core.Processing;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// Two handlers on one processor thread: <c>first</c>, then <c>second</c>, for each entry. The service runs the ACKs
/// and then the read model this way.
/// </summary>
/// <remarks>
/// The ACKs and the read model both follow the ledger stage and neither waits for the other, so they could run in
/// parallel; but every stage thread is one more wake-up per batch, and on a small machine those context switches
/// cost more than the parallelism gains (measured: docs/perf.md). With the ACK first its latency is unchanged, and
/// the read model then shows only events that are durable (the ACK waits for that under <c>Interval</c>).
/// </remarks>
internal readonly struct SequentialStage<TEntry, TFirst, TSecond>(TFirst first, TSecond second) : IEventHandler<TEntry>
    where TFirst : IEventHandler<TEntry>
    where TSecond : IEventHandler<TEntry>
{
    public void OnEvent(ref TEntry entry, long sequence, bool endOfBatch)
    {
        try
        {
            first.OnEvent(ref entry, sequence, endOfBatch);
        }
        finally
        {
            // The second handler sees every entry whatever happened in the first: a read model that skipped the event
            // whose ACK failed would silently fall behind the ledger. The first's exception still reaches the
            // pipeline's exception handler (which halts on a journal failure), unless the second throws too.
            second.OnEvent(ref entry, sequence, endOfBatch);
        }
    }

    public void OnShutdown()
    {
        try
        {
            first.OnShutdown();
        }
        finally
        {
            second.OnShutdown();
        }
    }
}
