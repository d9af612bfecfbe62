using System;
using System.Text;
using System.Threading;
using Pipeline.Application;
using Pipeline.EventStore;

namespace Pipeline.Hosting.Engine;

/// <summary>The application's reads of one stream (time travel), through the event index, never past the visible head.</summary>
/// <remarks>Thread-safe: the index's caches are guarded by one lock (these reads are for queries, not the hot path).</remarks>
internal sealed class StoredEventReader : IStoredEventReader
{
    private readonly EventIndex _index;
    private readonly Func<long> _visible;
    private readonly Lock _gate = new();

    public StoredEventReader(EventIndex index, Func<long> visible)
    {
        _index = index;
        _visible = visible;
    }

    public bool ReadStream(string stream, long maxCommandSequence, long maxTimestampTicks, StoredEventVisitor visit)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(visit);
        byte[] id = Encoding.UTF8.GetBytes(stream);
        if (id.Length > 255)
        {
            return false;
        }

        long visible = _visible();
        bool found = false;
        lock (_gate)
        {
            using EventIndexCursor cursor = _index.ReadStream(id);
            while (cursor.TryRead(out EventRecord record))
            {
                if (record.Position > visible || record.CommandSequence > maxCommandSequence || record.TimestampTicks > maxTimestampTicks)
                {
                    break; // a stream's events are in position order, so in command and time order too
                }

                found = true;
                if (!visit(record.Type, record.SchemaVersion, record.Payload, new EventContext(record.CommandSequence, record.TimestampTicks, record.StreamVersion)))
                {
                    break;
                }
            }
        }

        return found;
    }
}
