using System;
using Pipeline.Core;
using Pipeline.Journal;
using Pipeline.Journal.Replay;

namespace Pipeline.Hosting.Engine;

/// <summary>Replays journal records through the live ring, so the same handlers rebuild the state in the same order.</summary>
/// <remarks>
/// Each record is claimed and filled on its own, but the filled slots are published as one range: at each
/// <see cref="EndOfBatch"/> and whenever <see cref="ChunkSize"/> of them wait, so the consumers are signalled once
/// per range instead of once per record. The chunk is at most a quarter of the ring: slots claimed and not yet
/// published hold the consumers back (and other producers, on a multi-producer ring), and a claim can wait for
/// room only behind published slots, so a chunk of the whole ring would wait for itself.
/// </remarks>
// Design: used by the one replay thread only; _low, _high and _pending are plain fields of that thread. The ring's
// Publish is the release that makes the filled entries visible to the consumers.
internal sealed class RingReplayTarget<TEntry> : IReplayTarget
    where TEntry : CommandEvent
{
    /// <summary>The most slots published as one range.</summary>
    public const int MaxChunkSize = 256;

    private readonly RingBuffer<TEntry> _ring;
    private long _low;
    private long _high = -1;
    private int _pending;

    public RingReplayTarget(RingBuffer<TEntry> ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _ring = ring;
        ChunkSize = Math.Min(MaxChunkSize, Math.Max(1, ring.BufferSize / 4));
    }

    /// <summary>How many filled slots wait at most before they are published.</summary>
    public int ChunkSize { get; }

    /// <summary>The records published so far (a record counts once its range is published).</summary>
    public long Published { get; private set; }

    public void Apply(in JournalRecord record)
    {
        long slot = _ring.Next();
        if (_pending > 0 && slot != _high + 1)
        {
            // Another producer claimed in between: a range may hold only our own slots.
            PublishPending();
        }

        TEntry entry = _ring[slot];
        entry.ResetOutcome();
        entry.IsReplay = true;
        entry.IsTick = record.Type.SequenceEqual(EngineRecords.Tick);
        entry.Connection = null;
        entry.ProducerId = record.ProducerId;
        entry.ProducerSequence = record.ProducerSequence;
        entry.SchemaVersion = record.SchemaVersion;
        entry.SetType(record.Type);
        entry.SetPayload(record.Payload);
        entry.Sequence = record.Sequence;
        entry.TimestampTicks = record.TimestampTicks;

        // Counted only once filled: a slot whose record failed to copy is never published.
        if (_pending == 0)
        {
            _low = slot;
        }

        _high = slot;
        if (++_pending == ChunkSize)
        {
            PublishPending();
        }
    }

    public void EndOfBatch() => PublishPending();

    private void PublishPending()
    {
        if (_pending == 0)
        {
            return;
        }

        _ring.Publish(_low, _high);
        Published += _pending;
        _pending = 0;
    }
}
