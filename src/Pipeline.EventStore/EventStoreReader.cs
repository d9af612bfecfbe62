using System;
using System.Threading;

namespace Pipeline.EventStore;

/// <summary>
/// The read API of the event store: events by global position (forward and backward), by stream, type, producer
/// or time, never past a <see cref="VisibleHead"/>, even when the log files already hold later events.
/// </summary>
/// <remarks>
/// Thread-safe: calls are serialised on one lock, since the <see cref="EventLogReader"/> and <see cref="EventIndex"/>
/// behind it are single-threaded. Each call reads from disk (blocking I/O): call it off socket and engine threads.
/// It allocates per call (cursors, a stream id copy, index blocks), never per event; the log cursor's read buffer
/// is reused from call to call. Each read is capped at the head as read once at its start.
/// </remarks>
// Design: _gate serialises every call: the reader and index keep per-segment state (sparse index, open files,
// tail scan) that is not thread-safe. _logBuffer is only touched under _gate. The visible head is read once per call
// (acquire), so all events a call returns are at or below the head it reports.
public sealed class EventStoreReader : IDisposable
{
    private readonly EventLogReader _log;
    private readonly EventIndex _index;
    private readonly VisibleHead _head;
    private readonly Lock _gate = new();
    private byte[]? _logBuffer;

    /// <summary>Creates the read API over a log reader and an index of the same log, capped at <paramref name="head"/>.</summary>
    /// <remarks>The reader and the index become this object's: nobody else may use them afterwards.</remarks>
    public EventStoreReader(EventLogReader log, EventIndex index, VisibleHead head)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(head);
        _log = log;
        _index = index;
        _head = head;
    }

    /// <summary>The visibility bound.</summary>
    public VisibleHead Head => _head;

    /// <summary>
    /// Closes the index files and segment mappings the reads keep open (waiting for a read in progress). A later read
    /// still works and opens what it needs again.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _index.Dispose();
        }
    }

    /// <summary>The visible events from <paramref name="fromPosition"/> on, oldest first, at most <paramref name="maxCount"/>.</summary>
    /// <remarks>From beyond the head: no events, and Next is <paramref name="fromPosition"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="EventLogCorruptedException">The log is damaged where records must be whole.</exception>
    public EventReadResult ReadForward(long fromPosition, int maxCount, IEventRecordSink sink)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromPosition, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            return ForwardLocked(fromPosition, maxCount, sink, _head.Position);
        }
    }

    /// <summary>
    /// The visible events at <paramref name="fromPosition"/> and before, newest first, at most <paramref name="maxCount"/>;
    /// a position above the head starts at the head (<c>long.MaxValue</c>: the latest events).
    /// </summary>
    /// <remarks>From 0, or an empty store: no events, and Next is 0.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> or <paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="EventLogCorruptedException">The log is damaged where records must be whole.</exception>
    public EventReadResult ReadBackward(long fromPosition, int maxCount, IEventRecordSink sink)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromPosition);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            long head = _head.Position;
            long start = Math.Min(fromPosition, head);
            if (start < 1 || maxCount == 0)
            {
                return new EventReadResult(EventReadStatus.Ok, 0, start, head, false);
            }

            EventLogCursor cursor = _log.ReadBackward(start, maxCount, _logBuffer);
            try
            {
                int count = 0;
                long next = start;
                while (cursor.TryRead(out EventRecord record))
                {
                    if (!sink.TryAccept(in record))
                    {
                        return new EventReadResult(EventReadStatus.Ok, count, record.Position, head, true);
                    }

                    count++;
                    next = record.Position - 1;
                }

                return new EventReadResult(EventReadStatus.Ok, count, next, head, false);
            }
            finally
            {
                _logBuffer = cursor.Buffer;
                cursor.Dispose();
            }
        }
    }

    /// <summary>
    /// The visible events of one stream from <paramref name="fromVersion"/> on, by stream version, at most
    /// <paramref name="maxCount"/>; <see cref="EventReadStatus.StreamNotFound"/> when the stream has no visible event
    /// at all (a stream that has events, none of them at or after the version, is Ok with none).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="streamId"/> is empty or longer than 255 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromVersion"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="EventLogCorruptedException">A record is not where (or what) the index says.</exception>
    public EventReadResult ReadStream(ReadOnlySpan<byte> streamId, long fromVersion, int maxCount, IEventRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            long head = _head.Position;
            int count = 0;
            long next = fromVersion;
            using (EventIndexCursor cursor = _index.ReadStream(streamId, fromVersion, maxCount))
            {
                while (cursor.TryRead(out EventRecord record) && record.Position <= head)
                {
                    if (!sink.TryAccept(in record))
                    {
                        return new EventReadResult(EventReadStatus.Ok, count, record.StreamVersion, head, true);
                    }

                    count++;
                    next = record.StreamVersion + 1;
                }
            }

            if (count == 0 && maxCount > 0 && !StreamExistsLocked(streamId, head))
            {
                return new EventReadResult(EventReadStatus.StreamNotFound, 0, 0, head, false);
            }

            return new EventReadResult(EventReadStatus.Ok, count, next, head, false);
        }
    }

    /// <summary>The visible events of one type from <paramref name="fromPosition"/> on, oldest first, at most <paramref name="maxCount"/>.</summary>
    /// <remarks>Next, when fewer than <paramref name="maxCount"/> came, is past the head: every visible match was returned.</remarks>
    /// <exception cref="ArgumentException"><paramref name="type"/> is empty or longer than 255 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="EventLogCorruptedException">A record is not where (or what) the index says.</exception>
    public EventReadResult ReadType(ReadOnlySpan<byte> type, long fromPosition, int maxCount, IEventRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            long head = _head.Position;
            using EventIndexCursor cursor = _index.ReadType(type, fromPosition, maxCount);
            return DrainByPosition(cursor, fromPosition, maxCount, sink, head);
        }
    }

    /// <summary>The visible events of one producer from <paramref name="fromPosition"/> on, oldest first, at most <paramref name="maxCount"/>.</summary>
    /// <remarks>Next, when fewer than <paramref name="maxCount"/> came, is past the head: every visible match was returned.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="EventLogCorruptedException">A record is not where (or what) the index says.</exception>
    public EventReadResult ReadProducer(ulong producerId, long fromPosition, int maxCount, IEventRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            long head = _head.Position;
            using EventIndexCursor cursor = _index.ReadProducer(producerId, fromPosition, maxCount);
            return DrainByPosition(cursor, fromPosition, maxCount, sink, head);
        }
    }

    /// <summary>
    /// The visible events from the first one whose timestamp is at or after <paramref name="timestampTicks"/> (UTC
    /// ticks) on, oldest first, at most <paramref name="maxCount"/> (Kafka's offsets-for-times, then a forward read).
    /// </summary>
    /// <remarks>
    /// No such event in the log: none, and Next is the head + 1. Such an event beyond the head: none, and Next is its
    /// position. Either way a forward read from Next goes on.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="EventLogCorruptedException">The log or its time index is damaged.</exception>
    public EventReadResult ReadFromTime(long timestampTicks, int maxCount, IEventRecordSink sink)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            long head = _head.Position;
            if (!_index.TryFindPosition(timestampTicks, out long position))
            {
                return new EventReadResult(EventReadStatus.Ok, 0, head + 1, head, false);
            }

            return ForwardLocked(position, maxCount, sink, head);
        }
    }

    private EventReadResult ForwardLocked(long fromPosition, int maxCount, IEventRecordSink sink, long head)
    {
        if (fromPosition > head || maxCount == 0)
        {
            return new EventReadResult(EventReadStatus.Ok, 0, fromPosition, head, false);
        }

        int limit = (int)Math.Min(maxCount, head - fromPosition + 1);
        EventLogCursor cursor = _log.ReadForward(fromPosition, limit, _logBuffer);
        try
        {
            int count = 0;
            long next = fromPosition;
            while (cursor.TryRead(out EventRecord record))
            {
                if (!sink.TryAccept(in record))
                {
                    return new EventReadResult(EventReadStatus.Ok, count, record.Position, head, true);
                }

                count++;
                next = record.Position + 1;
            }

            return new EventReadResult(EventReadStatus.Ok, count, next, head, false);
        }
        finally
        {
            _logBuffer = cursor.Buffer;
            cursor.Dispose();
        }
    }

    // Type and producer matches come in position order, so the first one past the head ends the visible ones.
    private static EventReadResult DrainByPosition(EventIndexCursor cursor, long fromPosition, int maxCount, IEventRecordSink sink, long head)
    {
        int count = 0;
        long last = 0;
        while (count < maxCount && cursor.TryRead(out EventRecord record) && record.Position <= head)
        {
            if (!sink.TryAccept(in record))
            {
                return new EventReadResult(EventReadStatus.Ok, count, record.Position, head, true);
            }

            count++;
            last = record.Position;
        }

        // Fewer than asked: every visible match was returned, so the next one can only come after the head.
        long next = count == maxCount ? (count > 0 ? last + 1 : fromPosition) : Math.Max(fromPosition, head + 1);
        return new EventReadResult(EventReadStatus.Ok, count, next, head, false);
    }

    private bool StreamExistsLocked(ReadOnlySpan<byte> streamId, long head)
    {
        using EventIndexCursor cursor = _index.ReadStream(streamId, 1, 1);
        return cursor.TryRead(out EventRecord first) && first.Position <= head;
    }
}
