using System.Collections.Concurrent;
using System.Threading;

namespace Pipeline.Hosting.Engine;

/// <summary>The journaling producer's de-duplication table: producer id to its last journaled producer_seq.</summary>
/// <remarks>
/// Written only by the journal stage (the single writer), read by connection threads answering HELLO. Seeded at
/// start-up from the snapshot and the replayed journal tail, so de-duplication survives restarts and kills.
/// Each producer has one mutable cell updated in place: a ConcurrentDictionary update of a 16-byte struct value
/// allocates a new node per call, i.e. one allocation per journaled event.
/// </remarks>
// Design: the journal stage (one thread) is the only writer: it adds cells and updates them in place. Connection
// threads read LastProducerSequence for HELLO through the ConcurrentDictionary (safe against the writer's inserts) and
// a Volatile.Read of the cell's field, written last with Volatile.Write, so a reader sees either the old or the new
// producer_seq, never a torn one; it may see a stale one, which only makes a reconnecting producer resend commands
// that the journal stage then answers as DUPLICATE. Cell.Sequence is read only by the journal stage.
internal sealed class ProducerTable
{
    private readonly ConcurrentDictionary<ulong, Cell> _records = new();

    /// <summary>Both fields of a producer's record; journal-stage thread only (the fields are written one by one).</summary>
    public bool TryGet(ulong producerId, out ProducerRecord record)
    {
        if (_records.TryGetValue(producerId, out Cell? cell))
        {
            record = new ProducerRecord(cell.LastProducerSequence, cell.Sequence);
            return true;
        }

        record = default;
        return false;
    }

    /// <summary>The last journaled producer_seq of <paramref name="producerId"/> (0 if unknown); any thread.</summary>
    public ulong LastProducerSequence(ulong producerId) =>
        _records.TryGetValue(producerId, out Cell? cell) ? Volatile.Read(ref cell.LastProducerSequence) : 0;

    public void Set(ulong producerId, ulong producerSequence, long sequence)
    {
        if (_records.TryGetValue(producerId, out Cell? cell))
        {
            cell.Sequence = sequence;
            Volatile.Write(ref cell.LastProducerSequence, producerSequence);
        }
        else
        {
            _records[producerId] = new Cell { LastProducerSequence = producerSequence, Sequence = sequence };
        }
    }

    public int Count => _records.Count;

    private sealed class Cell
    {
        public ulong LastProducerSequence;
        public long Sequence;
    }
}

/// <summary>What the engine remembers of an idempotent producer.</summary>
/// <param name="LastProducerSequence">The highest producer_seq of this producer id in the journal.</param>
/// <param name="Sequence">The global sequence that command got.</param>
internal readonly record struct ProducerRecord(ulong LastProducerSequence, long Sequence);
