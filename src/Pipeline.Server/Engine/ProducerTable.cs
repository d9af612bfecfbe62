using System.Collections.Concurrent;
using Pipeline.Ledger;

namespace Pipeline.Server.Engine;

/// <summary>The journaling producer's de-duplication table: producer id to its last journaled producer_seq.</summary>
/// <remarks>
/// Written only by the journal stage (the single writer), read by connection threads answering HELLO. Seeded at
/// start-up from the snapshot and the replayed journal tail, so de-duplication survives restarts and kills.
/// </remarks>
internal sealed class ProducerTable
{
    private readonly ConcurrentDictionary<ulong, ProducerRecord> _records = new();

    public bool TryGet(ulong producerId, out ProducerRecord record) => _records.TryGetValue(producerId, out record);

    public void Set(ulong producerId, ulong producerSequence, long sequence) =>
        _records[producerId] = new ProducerRecord(producerSequence, sequence);

    public int Count => _records.Count;
}
