using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.EventStore;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>
/// Serves READ frames from an <see cref="EventStoreReader"/>: checks the request, waits for its min_sequence,
/// reads in batches that fit one EVENTS frame each, and ends with READ_END (docs/protocol.md, "Version 2").
/// </summary>
/// <remarks>
/// Thread-safe; one instance serves every connection. <see cref="Start"/> is what an
/// <see cref="IIngestBackend.OnRead"/> calls: it answers a BAD_REQUEST inline and hands every other read to the
/// thread pool, where the store is read (blocking I/O, one read at a time in the store) and frames are sent as
/// the connection's output has room. How many reads one connection has going is bounded by
/// <see cref="IngestOptions.MaxReadsInFlightPerConnection"/>.
/// </remarks>
// Design: no shared mutable state of its own: each read owns its request copy, its frame builder and its sink, and
// runs on one thread-pool task from its first batch to its READ_END, so the frames of one read are in order. The
// store reader serialises the store access; the connection's output serialises the frames of concurrent reads.
public sealed class EventReadService
{
    private readonly EventStoreReader _reader;
    private readonly VisibleHead _sequences;
    private readonly TimeSpan _waitLimit;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="reader">The store's read API, capped at its visible head.</param>
    /// <param name="sequences">
    /// The command sequence whose events (and those of every command before it) are visible: what a READ's
    /// min_sequence waits for, so that a client passing its last ACK's sequence reads its own writes.
    /// </param>
    /// <param name="minSequenceWaitLimit">How long a READ waits for <paramref name="sequences"/> to reach its min_sequence before TIMEOUT.</param>
    /// <param name="logger">For store failures (event id 2009).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minSequenceWaitLimit"/> is negative.</exception>
    public EventReadService(EventStoreReader reader, VisibleHead sequences, TimeSpan minSequenceWaitLimit, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sequences);
        _sequences = sequences;
        ArgumentOutOfRangeException.ThrowIfLessThan(minSequenceWaitLimit, TimeSpan.Zero);
        _reader = reader;
        _waitLimit = minSequenceWaitLimit;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Starts serving <paramref name="frame"/> for <paramref name="connection"/>: a broken rule is answered at once
    /// with READ_END BAD_REQUEST; otherwise the read runs on the thread pool and ends with exactly one READ_END.
    /// </summary>
    /// <remarks>Called on the connection's reader; copies the key (one allocation per READ) and never blocks.</remarks>
    public void Start(IngestConnection connection, in ReadFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!frame.TryValidate(out string? error))
        {
            connection.SendReadEnd(frame.RequestId, ReadStatus.BadRequest, 0, (ulong)_reader.Head.Position, 0, error!);
            return;
        }

        var request = new Request(frame.RequestId, frame.Selector, frame.From, (int)frame.MaxCount, ToLong(frame.MinSequence), frame.ProducerId, frame.Key.ToArray());
        _ = Task.Run(() => ServeAsync(connection, request, CancellationToken.None));
    }

    // The whole answer of one READ; never throws (a store failure is READ_END STORE_ERROR).
    internal async Task ServeAsync(IngestConnection connection, Request request, CancellationToken cancellationToken)
    {
        uint sent = 0;
        try
        {
            if (request.MinSequence > 0 && !await _sequences.WaitForAsync(request.MinSequence, _waitLimit, cancellationToken).ConfigureAwait(false))
            {
                string message = string.Create(CultureInfo.InvariantCulture,
                    $"the event store did not reach command sequence {request.MinSequence} within {(long)_waitLimit.TotalMilliseconds} ms");
                connection.SendReadEnd(request.RequestId, ReadStatus.Timeout, 0, (ulong)_reader.Head.Position, 0, message);
                return;
            }

            using var builder = new EventsFrameBuilder(connection.MaxFrameLength);
            var sink = new BatchSink(builder);
            ReadSelector selector = request.Selector;
            long from = First(request);
            int remaining = request.MaxCount;
            while (true)
            {
                builder.Reset(request.RequestId);
                sink.TooLarge = false;
                EventReadResult result = Read(selector, from, remaining, request, sink);
                if (result.Status == EventReadStatus.StreamNotFound)
                {
                    connection.SendReadEnd(request.RequestId, ReadStatus.NotFound, 0, (ulong)result.Head, 0, "no such stream");
                    return;
                }

                if (builder.Count > 0)
                {
                    if (!await connection.SendEventsAsync(builder, cancellationToken).ConfigureAwait(false))
                    {
                        connection.SendReadEnd(request.RequestId, ReadStatus.StoreError, 0, (ulong)result.Head, sent, "the connection closed");
                        return; // closed: the READ_END is dropped too, but the read's count is released
                    }

                    sent += (uint)builder.Count;
                }

                remaining -= result.Count;
                if (sink.TooLarge)
                {
                    string message = string.Create(CultureInfo.InvariantCulture,
                        $"the event at {result.Next} does not fit a frame of {connection.MaxFrameLength} bytes");
                    connection.SendReadEnd(request.RequestId, ReadStatus.TooLarge, (ulong)result.Next, (ulong)result.Head, sent, message);
                    return;
                }

                if (!result.Stopped || remaining == 0)
                {
                    connection.SendReadEnd(request.RequestId, ReadStatus.Ok, (ulong)result.Next, (ulong)result.Head, sent, string.Empty);
                    return;
                }

                // The frame is full: go on where it stopped. A time read goes on by position.
                from = result.Next;
                if (selector == ReadSelector.Time)
                {
                    selector = ReadSelector.AllForward;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ReadFailed(_logger, ex, connection.Id, request.RequestId);
            connection.SendReadEnd(request.RequestId, ReadStatus.StoreError, 0, (ulong)_reader.Head.Position, sent, ex.Message);
        }
    }

    private EventReadResult Read(ReadSelector selector, long from, int maxCount, Request request, BatchSink sink) => selector switch
    {
        ReadSelector.AllForward => _reader.ReadForward(from, maxCount, sink),
        ReadSelector.AllBackward => _reader.ReadBackward(from, maxCount, sink),
        ReadSelector.Stream => _reader.ReadStream(request.Key, from, maxCount, sink),
        ReadSelector.Type => _reader.ReadType(request.Key, from, maxCount, sink),
        ReadSelector.Producer => _reader.ReadProducer(request.ProducerId, from, maxCount, sink),
        _ => _reader.ReadFromTime(from, maxCount, sink),
    };

    // The wire's from as the store's: 0 means the first position or version forward; backward 0 reads nothing.
    private static long First(Request request) => request.Selector switch
    {
        ReadSelector.AllBackward or ReadSelector.Time => ToLong(request.From),
        _ => Math.Max(1, ToLong(request.From)),
    };

    // Positions and versions above 2^63 - 1 cannot exist; they read as the largest one.
    internal static long ToLong(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    internal readonly record struct Request(ulong RequestId, ReadSelector Selector, ulong From, int MaxCount, long MinSequence, ulong ProducerId, byte[] Key);

    // Writes each record straight into the frame being built; refuses the first one that does not fit.
    private sealed class BatchSink(EventsFrameBuilder builder) : IEventRecordSink
    {
        public bool TooLarge { get; set; }

        public bool TryAccept(in EventRecord record)
        {
            if (builder.TryAppend((ulong)record.Position, (ulong)record.CommandSequence, record.TimestampTicks, record.ProducerId, record.StreamId,
                (ulong)record.StreamVersion, record.Type, record.SchemaVersion, record.Payload))
            {
                return true;
            }

            TooLarge = builder.Count == 0; // alone in a frame and still too long: it can never be sent
            return false;
        }
    }
}
