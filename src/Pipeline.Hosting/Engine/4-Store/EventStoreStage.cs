using System;
using System.Threading;
using Pipeline.Application;
using Pipeline.Core.Processing;
using Pipeline.EventStore;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The event store's single writer: appends each accepted command's events to the event log, in journal order,
/// and hands the batch to the OS at its end. Runs on its own thread after the application stage, in parallel with
/// the ACK stage (an ACK waits for the journal, never for the event log).
/// </summary>
/// <remarks>
/// The event log is derived from the journal: it is not fsynced per batch (the journal is), and after a crash the
/// engine re-decides the journal's tail and appends what the log lacks. So on start the events up to the log's
/// last position are skipped here: their events are already stored. Readers see events only up to the
/// visible head, which advances once the commands are durable (ACK stage) and their events are in the file (this stage):
/// see <see cref="VisibilityGate"/>.
/// </remarks>
internal sealed class EventStoreStage<TCommand, TEvent> : IEventHandler<CommandEntry<TCommand, TEvent>>
{
    private readonly EventLogWriter _log;
    private readonly VisibilityGate _visibility;
    private long _lastSequence;
    private long _through;

    /// <param name="log">The event log, opened (and its torn tail cut) before the replay.</param>
    /// <param name="visibility">Told at the end of each batch what is in the file.</param>
    public EventStoreStage(EventLogWriter log, VisibilityGate visibility)
    {
        _log = log;
        _visibility = visibility;
    }

    /// <summary>The last journal sequence whose events (if any) are in the file, at the end of a batch (any thread).</summary>
    public long Through => Volatile.Read(ref _through);

    public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch)
    {
        // The application stage numbered the events; those the log already holds (stored before a restart) are skipped.
        if (entry.LastPosition > _log.LastPosition)
        {
            Store(entry);
        }

        if (entry.Sequence > _lastSequence)
        {
            _lastSequence = entry.Sequence; // a DUPLICATE carries the original's lower sequence, an INVALID 0
        }

        if (endOfBatch)
        {
            if (_log.LastPosition > _log.FlushedPosition)
            {
                _log.Flush();
            }

            Volatile.Write(ref _through, _lastSequence);
            _visibility.Stored(_log.FlushedPosition, _lastSequence); // every event in the file, stored now or before a restart
        }
    }

    private void Store(CommandEntry<TCommand, TEvent> entry)
    {
        // Encoded and checked by the application stage, so an append fails only on I/O (which halts nothing: the
        // journal has the commands, and the next start completes the log from it).
        EncodedEvents events = entry.Encoded;
        long first = entry.FirstPosition;
        for (int i = (int)Math.Max(0, _log.LastPosition + 1 - first); i < events.Count; i++)
        {
            EventType type = events.Type(i);
            _log.Append(new EventToAppend(
                events.Stream(i),
                entry.StreamVersions[i],
                type.Utf8Name,
                type.SchemaVersion,
                events.Payload(i),
                entry.Sequence,
                entry.TimestampTicks,
                entry.ProducerId)
            {
                ExpectedPosition = first + i, // a gap or a repeat throws instead of numbering events wrongly
            });
        }
    }

    public void OnShutdown() => _log.Flush();
}
