using Pipeline.Core;
using Pipeline.Journal;
using Pipeline.Journal.Replay;

namespace Pipeline.Server.Engine;

/// <summary>Replays journal records through the live ring, so the same handlers rebuild the state in the same order.</summary>
internal sealed class RingReplayTarget : IReplayTarget
{
    private readonly RingBuffer<CommandEvent> _ring;

    public RingReplayTarget(RingBuffer<CommandEvent> ring)
    {
        _ring = ring;
    }

    public long Published { get; private set; }

    public void Apply(in JournalRecord record)
    {
        long slot = _ring.Next();
        CommandEvent entry = _ring[slot];
        entry.ResetOutcome();
        entry.IsReplay = true;
        entry.Connection = null;
        entry.ProducerId = record.ProducerId;
        entry.ProducerSequence = record.ProducerSequence;
        entry.SchemaVersion = record.SchemaVersion;
        entry.SetType(record.Type);
        entry.SetPayload(record.Payload);
        entry.Sequence = record.Sequence;
        entry.TimestampTicks = record.TimestampTicks;
        _ring.Publish(slot);
        Published++;
    }

    public void EndOfBatch()
    {
    }
}
