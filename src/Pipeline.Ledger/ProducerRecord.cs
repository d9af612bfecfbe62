namespace Pipeline.Ledger;

/// <summary>What the state remembers of an idempotent producer.</summary>
/// <param name="LastProducerSequence">The highest producer_seq of this producer id in the journal.</param>
/// <param name="Sequence">The global sequence that event got.</param>
public readonly record struct ProducerRecord(ulong LastProducerSequence, long Sequence);
