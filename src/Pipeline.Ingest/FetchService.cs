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
/// Serves FETCH frames (docs/protocol.md, "Version 3"): a filtered read forward by position, answered at once when a
/// matching event is visible and otherwise as soon as one becomes visible or max_wait passes (a long poll), with
/// EVENTS and one READ_END as for READ.
/// </summary>
/// <remarks>
/// Thread-safe; one instance serves every connection. <see cref="Start"/> is what an
/// <see cref="IIngestBackend.OnFetch"/> calls: it answers a BAD_REQUEST inline and hands every other fetch to the
/// thread pool. A fetch shares the connection's bound on unanswered READs
/// (<see cref="IngestOptions.MaxReadsInFlightPerConnection"/>), examines at most <see cref="MaxExaminedPerAnswer"/>
/// events, and its wait ends early when the connection closes.
/// </remarks>
// Design: no shared mutable state of its own, as EventReadService: each fetch owns its request copy, its frame
// builder and its sink, and runs on one thread-pool task from its first read to its READ_END.
public sealed class FetchService
{
    /// <summary>The most events one answer examines, matched or not; `next` says where to go on.</summary>
    public const int MaxExaminedPerAnswer = 1_000_000;

    private const int MaxExaminedPerRead = 4096;
    private readonly EventStoreReader _reader;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    /// <param name="reader">The store's read API, capped at its visible head (which a long poll waits on).</param>
    /// <param name="logger">For store failures (event id 2012).</param>
    /// <param name="time">The clock of max_wait; <see cref="TimeProvider.System"/> by default.</param>
    public FetchService(EventStoreReader reader, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Starts serving <paramref name="frame"/>: a broken rule is answered at once with READ_END BAD_REQUEST;
    /// otherwise the fetch runs on the thread pool and ends with exactly one READ_END.
    /// </summary>
    /// <remarks>Called on the connection's reader; copies the key and never blocks.</remarks>
    public void Start(IngestConnection connection, in FetchFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!frame.TryValidate(out string? error))
        {
            connection.SendReadEnd(frame.RequestId, ReadStatus.BadRequest, 0, (ulong)_reader.Head.Position, 0, error!);
            return;
        }

        var request = new Request(frame.RequestId, Math.Max(1, EventReadService.ToLong(frame.From)), (int)frame.MaxCount, frame.MaxBytes,
            TimeSpan.FromMilliseconds(frame.MaxWaitMs), frame.CreateFilter());
        _ = Task.Run(() => ServeAsync(connection, request));
    }

    // The whole answer of one FETCH; never throws (a store failure is READ_END STORE_ERROR).
    internal async Task ServeAsync(IngestConnection connection, Request request)
    {
        uint sent = 0;
        long next = request.From;
        long started = _time.GetTimestamp();
        try
        {
            using var builder = new EventsFrameBuilder(connection.MaxFrameLength);
            builder.SetRecordBytesBudget(request.MaxBytes);
            var sink = new FilteredRecordSink(builder, request.Filter, connection.MaxFrameLength);
            long examined = 0;
            while (true)
            {
                long head = _reader.Head.Position;
                if (next <= head)
                {
                    builder.Reset(request.RequestId);
                    int remaining = request.MaxCount - (int)sent;
                    sink.Start(remaining);
                    EventReadResult read = request.Filter.Kind == EventFilterKind.Producer
                        ? _reader.ReadProducer(request.Filter.ProducerId, next, Math.Min(remaining, MaxExaminedPerRead), sink)
                        : _reader.ReadForward(next, (int)Math.Min(MaxExaminedPerRead, MaxExaminedPerAnswer - examined), sink);
                    examined += read.Count;
                    if (builder.Count > 0)
                    {
                        if (!await connection.SendEventsAsync(builder, connection.Closing).ConfigureAwait(false))
                        {
                            connection.SendReadEnd(request.RequestId, ReadStatus.StoreError, 0, (ulong)read.Head, sent, "the connection closed");
                            return;
                        }

                        sent += (uint)builder.Count;
                    }

                    next = read.Next;
                    head = read.Head;
                    if (sink.TooLarge)
                    {
                        string message = string.Create(CultureInfo.InvariantCulture, $"the event at {read.Next} does not fit a frame of {connection.MaxFrameLength} bytes");
                        connection.SendReadEnd(request.RequestId, ReadStatus.TooLarge, (ulong)next, (ulong)head, sent, message);
                        return;
                    }

                    if (sink.Exhausted || sent == request.MaxCount || examined >= MaxExaminedPerAnswer)
                    {
                        connection.SendReadEnd(request.RequestId, ReadStatus.Ok, (ulong)next, (ulong)head, sent, string.Empty);
                        return;
                    }

                    if (read.Stopped || next <= head)
                    {
                        continue; // a full frame, or a batch of the scan: go on where it stopped
                    }
                }

                // Every visible event was considered.
                TimeSpan left = request.MaxWait - _time.GetElapsedTime(started);
                if (sent > 0 || left <= TimeSpan.Zero
                    || !await WaitForHeadAsync(next, left, connection.Closing).ConfigureAwait(false))
                {
                    connection.SendReadEnd(request.RequestId, ReadStatus.Ok, (ulong)next, (ulong)Math.Max(head, 0), sent, string.Empty);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (connection.Closing.IsCancellationRequested)
        {
            connection.SendReadEnd(request.RequestId, ReadStatus.Ok, (ulong)next, (ulong)_reader.Head.Position, sent, string.Empty);
        }
#pragma warning disable CA1031 // a failed fetch is answered STORE_ERROR; the connection goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FetchFailed(_logger, ex, connection.Id, request.RequestId);
            connection.SendReadEnd(request.RequestId, ReadStatus.StoreError, 0, (ulong)_reader.Head.Position, sent, ex.Message);
        }
    }

    // The long poll: true once the head reaches position, false when the time is up or the connection closes.
    private async Task<bool> WaitForHeadAsync(long position, TimeSpan timeout, CancellationToken closing)
    {
        try
        {
            return await _reader.Head.WaitForAsync(position, timeout, closing).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
            return false;
        }
    }

    internal readonly record struct Request(ulong RequestId, long From, int MaxCount, long MaxBytes, TimeSpan MaxWait, EventFilter Filter);
}
