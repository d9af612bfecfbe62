using System;
using System.Buffers;
using System.Text;
using Pipeline.Application;
using Pipeline.Core.Processing;
using Pipeline.EventStore;
using Pipeline.Journal.Snapshots;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The event store's single writer: appends each accepted command's events to the event log, in journal order,
/// and hands the batch to the OS at its end. Runs on the final stage's thread, before the ACKs.
/// </summary>
/// <remarks>
/// The event log is derived from the journal: it is not fsynced per batch (the journal is), and after a crash the
/// engine re-decides the journal's tail and appends what the log lacks. So on start the events up to the log's
/// last position are skipped here: their events are already stored. Readers see events only up to the
/// visible head, which the ACK stage advances once the commands are durable.
/// </remarks>
internal sealed class EventStoreStage<TApp, TState, TCommand, TEvent> : IEventHandler<CommandEntry<TCommand, TEvent>>
    where TApp : IApplication<TState, TCommand, TEvent>
    where TState : class, ISnapshotable
{
    private readonly TApp _app;
    private readonly EventLogWriter _log;
    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private byte[] _stream = new byte[256];
    private bool _unflushed;

    /// <param name="app">Describes and serializes the events.</param>
    /// <param name="log">The event log, opened (and its torn tail cut) before the replay.</param>
    public EventStoreStage(TApp app, EventLogWriter log)
    {
        _app = app;
        _log = log;
    }

    public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch)
    {
        // The application stage numbered the events; those the log already holds (stored before a restart) are skipped.
        if (entry.LastPosition > _log.LastPosition)
        {
            Store(entry);
        }

        if (endOfBatch && _unflushed)
        {
            _unflushed = false;
            _log.Flush();
        }
    }

    private void Store(CommandEntry<TCommand, TEvent> entry)
    {
        EventSink<TEvent> events = entry.Events;
        long first = entry.FirstPosition;
        for (int i = (int)Math.Max(0, _log.LastPosition + 1 - first); i < events.Count; i++)
        {
            ref readonly TEvent e = ref events[i];
            EventHeader header = _app.Describe(e);
            _payload.ResetWrittenCount();
            _app.WritePayload(e, _payload);
            int streamLength = EncodeStream(header.Stream);
            _log.Append(new EventToAppend(
                _stream.AsSpan(0, streamLength),
                entry.StreamVersions[i],
                header.Type.Utf8Name,
                header.Type.SchemaVersion,
                _payload.WrittenSpan,
                entry.Sequence,
                entry.TimestampTicks,
                entry.ProducerId)
            {
                ExpectedPosition = first + i, // a gap or a repeat throws instead of numbering events wrongly
            });
            _unflushed = true;
        }
    }

    private int EncodeStream(string stream)
    {
        int max = Encoding.UTF8.GetMaxByteCount(stream.Length);
        if (max > _stream.Length)
        {
            _stream = new byte[Math.Max(max, _stream.Length * 2)];
        }

        return Encoding.UTF8.GetBytes(stream, _stream);
    }

    public void OnShutdown() => _log.Flush();
}
