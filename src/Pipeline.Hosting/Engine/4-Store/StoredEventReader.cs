using System;
using System.Text;
using Pipeline.Application;
using Pipeline.EventStore;

namespace Pipeline.Hosting.Engine;

/// <summary>The application's reads of one stream (time travel), through the event store's reader: never past its visible head.</summary>
/// <remarks>Thread-safe (the store's reader serializes its reads).</remarks>
internal sealed class StoredEventReader(EventStoreReader store) : IStoredEventReader
{
    private const int Batch = 4096;

    public bool ReadStream(string stream, long maxCommandSequence, long maxTimestampTicks, StoredEventVisitor visit)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(visit);
        byte[] id = Encoding.UTF8.GetBytes(stream);
        if (id.Length > 255)
        {
            return false;
        }

        var sink = new Sink(maxCommandSequence, maxTimestampTicks, visit);
        long from = 1;
        while (true)
        {
            EventReadResult result = store.ReadStream(id, from, Batch, sink);
            if (result.Status != EventReadStatus.Ok || sink.Done || result.Count < Batch)
            {
                return sink.Found;
            }

            from = result.Next;
        }
    }

    private sealed class Sink(long maxCommandSequence, long maxTimestampTicks, StoredEventVisitor visit) : IEventRecordSink
    {
        public bool Found { get; private set; }

        public bool Done { get; private set; }

        public bool TryAccept(in EventRecord record)
        {
            // A stream's events are in position order, so in command and time order too: the first one past the point ends it.
            if (Done || record.CommandSequence > maxCommandSequence || record.TimestampTicks > maxTimestampTicks)
            {
                Done = true;
                return false;
            }

            Found = true;
            if (!visit(record.Type, record.SchemaVersion, record.Payload, new EventContext(record.CommandSequence, record.TimestampTicks, record.StreamVersion)))
            {
                Done = true;
                return false;
            }

            return true;
        }
    }
}
