using Pipeline.EventStore;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

// Writes the records that match a filter straight into the frame being built and accepts (skips) the others, so that
// a forward read counts every event it examined. Refuses a matching record when the match budget is spent, the frame
// holds its soft limit of bytes, the builder's byte budget (FETCH's max_bytes) is reached, or the frame is full.
// Design: one reader at a time (a subscription's loop or a fetch's task); Start resets it before each read.
internal sealed class FilteredRecordSink(EventsFrameBuilder builder, EventFilter filter, long frameBytes) : IEventRecordSink
{
    private long _frameBytes;
    private int _remaining;

    /// <summary>The refused record does not fit one frame of the maximum length on its own: it can never be sent.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>The read stopped because the match budget or the byte budget was spent: the answer is complete.</summary>
    public bool Exhausted { get; private set; }

    /// <summary>Starts a read that may take <paramref name="maxMatches"/> matching records, into the builder's current frame.</summary>
    public void Start(int maxMatches)
    {
        _remaining = maxMatches;
        _frameBytes = 0;
        TooLarge = false;
        Exhausted = false;
    }

    public bool TryAccept(in EventRecord record)
    {
        if (!filter.Matches(record.StreamId, record.Type, record.ProducerId))
        {
            return true; // examined, and considered: it did not match
        }

        if (_remaining <= 0)
        {
            Exhausted = true;
            return false;
        }

        long size = FrameWriter.EventRecordBytes(record.StreamId.Length, record.Type.Length, record.Payload.Length);
        if (builder.Count > 0 && _frameBytes + size > frameBytes)
        {
            return false; // the frame holds its share; the record opens the next one
        }

        if (!builder.TryAppend((ulong)record.Position, (ulong)record.CommandSequence, record.TimestampTicks, record.ProducerId, record.StreamId,
            (ulong)record.StreamVersion, record.Type, record.SchemaVersion, record.Payload))
        {
            Exhausted = builder.BudgetReached;
            TooLarge = !Exhausted && builder.Count == 0; // alone in a frame and still too long
            return false;
        }

        _frameBytes += size;
        _remaining--;
        return true;
    }
}
