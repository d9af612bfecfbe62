using System;
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>
/// One client connection: reads and checks frames, hands PUBLISH and QUERY to the backend, and sends the answers
/// back in order through a double-buffered output that one sender task drains.
/// </summary>
/// <remarks>
/// <see cref="SendAck"/> and <see cref="Flush"/> are called by the engine's acknowledgement thread;
/// <see cref="SendResult"/>, <see cref="SendEventsAsync"/> and <see cref="SendReadEnd"/> by any thread. Reading stops (TCP then pushes back on the client) while too many
/// PUBLISH frames await their ACK or too many bytes wait to be sent, so memory stays bounded whatever the client does.
/// </remarks>
// Design: the output (the double buffer, the sender task, the inline send and the pending-bytes count) is
// ConnectionOutput, with its own Design block; this type writes to it and flushes it. _inFlight counts PUBLISH frames
// handed to the backend and not yet acknowledged (Interlocked: the reader increments, the ack thread decrements).
// _readsInFlight counts READ frames handed to the backend and not yet ended (Interlocked: the reader increments,
// SendReadEnd decrements on whichever thread serves the read).
// _progress wakes the reader when it waits for room or for the last ACKs, and reads waiting for room in the output;
// the output pulses it as bytes leave.
// The reader task alone writes _helloDone, ProducerId, ClientName, ProtocolVersion and the run arrays
// (IngestConnection.Read.cs); the backend reads ProducerId in TryPublish, which the reader calls, and
// ProtocolVersion after HELLO (written before the READ that it gates is handed over).
// IngestConnection.Close.cs: after the read loop, the wait for the last ACKs, the ERROR frame and the lingering close.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "_closing has no timer and no linked token: nothing to release, and fetches may still read its token after the close.")]
public sealed partial class IngestConnection
{
    private const int InitialReceiveBytes = 64 * 1024;
    private const int MaxPublishRun = 256;
    private readonly Socket _socket;
    private readonly IIngestBackend _backend;
    private readonly IngestOptions _options;
    private readonly ILogger _logger;
    private readonly ConnectionOutput _output;
    private readonly AsyncSignal _progress = new();
    private readonly CancellationTokenSource _closing = new();
    private int _inFlight;
    private int _readsInFlight;
    private bool _helloDone;
    private readonly Range[] _runBodies = new Range[MaxPublishRun];
    private readonly int[] _runEnds = new int[MaxPublishRun];

    internal IngestConnection(long id, Socket socket, IIngestBackend backend, IngestOptions options, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _backend = backend;
        _options = options;
        _logger = logger;
        RemoteEndPoint = socket.RemoteEndPoint;
        _output = new ConnectionOutput(socket, _progress, logger, id);
    }

    /// <summary>A number unique within this server process.</summary>
    public long Id { get; }

    /// <summary>The producer id from HELLO (0 = anonymous).</summary>
    public ulong ProducerId { get; private set; }

    /// <summary>The client name from HELLO.</summary>
    public string ClientName { get; private set; } = string.Empty;

    /// <summary>The protocol version from HELLO (0 before it): 1; 2 when the connection may READ; 3 when it may also subscribe, FETCH and COMMIT.</summary>
    public ushort ProtocolVersion { get; private set; }

    /// <summary>The longest frame (length field: kind + body) the server sends or accepts; an EVENTS batch must fit it.</summary>
    public int MaxFrameLength => _options.MaxFrameLength;

    /// <summary>
    /// Cancelled when the connection's reading ends (the client left, a protocol error, shutdown): a long poll
    /// (FETCH's max_wait) answers at once then, so that the close does not wait for it.
    /// </summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>The client's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>A mark kept by the backend's acknowledgement thread, e.g. the batch that last touched this connection.</summary>
    /// <remarks>
    /// The connection never reads it. Not synchronised: only the backend's acknowledgement thread may use it (to
    /// flush each touched connection once per batch). Starts at -1.
    /// </remarks>
    public long AckBatchMark { get; set; } = -1;

    /// <summary>PUBLISH frames handed to the backend and not yet acknowledged.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Bytes waiting to be sent.</summary>
    public int PendingOutputBytes => _output.PendingBytes;

    /// <summary>READ frames handed to the backend and not yet ended with <see cref="SendReadEnd"/>.</summary>
    public int ReadsInFlight => Volatile.Read(ref _readsInFlight);

    /// <summary>Queues an ACK (sent on the next <see cref="Flush"/>). Call exactly once per accepted PUBLISH.</summary>
    /// <param name="producerSequence">The PUBLISH's producer_seq.</param>
    /// <param name="sequence">Its global sequence (0 for INVALID).</param>
    /// <param name="status">Its outcome.</param>
    /// <param name="detail">The reason code (REJECTED) or why (INVALID); empty for OK.</param>
    /// <param name="explanation">
    /// What a REJECTED's reason code means for this payload (<c>$.amount: expected integer, got string</c>): sent after
    /// the code and one space on a protocol version 4 connection, left out below version 4 (their detail is the bare
    /// code, as shared/spec/protocol.md says).
    /// </param>
    public void SendAck(ulong producerSequence, ulong sequence, AckStatus status, string detail, string? explanation = null)
    {
        if (explanation is not null && ProtocolVersion >= FrameHeader.ExplainedRejectionProtocolVersion)
        {
            detail = string.Concat(detail, " ", explanation); // a rejection's path only: not the accepted commands' path
        }

        _output.WriteAck(producerSequence, sequence, status, detail);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Queues a RESULT and sends it.</summary>
    public void SendResult(ulong requestId, ulong sequence, ResultStatus status, string body)
    {
        _output.WriteResult(requestId, sequence, status, body);
        _output.Flush();
    }

    /// <summary>
    /// Sends one EVENTS frame of a READ's answer (<see cref="EventsFrameBuilder.Frame"/>, copied into the output);
    /// first waits while the output holds <see cref="IngestOptions.OutputHighWatermarkBytes"/> or more, so a large
    /// read never piles up more than one frame beyond it. False when the connection is closed (stop reading then).
    /// </summary>
    /// <remarks>
    /// Any thread; the frames of one READ must be sent by one caller in order, before its <see cref="SendReadEnd"/>.
    /// Copies the frame once; allocates nothing unless it must wait.
    /// </remarks>
    /// <exception cref="ArgumentException">The batch is empty or was built for a longer maximum frame than this connection's.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting for room.</exception>
    public ValueTask<bool> SendEventsAsync(EventsFrameBuilder batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Kind != FrameKind.Events)
        {
            throw new ArgumentException("The batch must be an EVENTS batch.", nameof(batch));
        }

        return SendRecordsAsync(batch, cancellationToken);
    }

    /// <summary>
    /// Sends one PUSH frame of a subscription (<see cref="EventsFrameBuilder.Frame"/> of a builder made for
    /// <see cref="FrameKind.Push"/>, copied into the output), with the backpressure of <see cref="SendEventsAsync"/>.
    /// False when the connection is closed.
    /// </summary>
    /// <remarks>Any thread; the frames of one subscription must be sent by one caller in order. Copies the frame once.</remarks>
    /// <exception cref="ArgumentException">The batch is empty, not a PUSH batch, or was built for a longer maximum frame than this connection's.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting for room.</exception>
    public ValueTask<bool> SendPushAsync(EventsFrameBuilder batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Kind != FrameKind.Push)
        {
            throw new ArgumentException("The batch must be a PUSH batch.", nameof(batch));
        }

        return SendRecordsAsync(batch, cancellationToken);
    }

    private async ValueTask<bool> SendRecordsAsync(EventsFrameBuilder batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0 || batch.MaxFrameLength > _options.MaxFrameLength)
        {
            throw new ArgumentException("The batch must hold at least one record and fit this connection's maximum frame length.", nameof(batch));
        }

        if (!await WaitForOutputRoomAsync(cancellationToken).ConfigureAwait(false) || !_output.WriteFrame(batch.Frame))
        {
            return false;
        }

        _output.Flush();
        return true;
    }

    /// <summary>
    /// Completes when fewer than <see cref="IngestOptions.OutputHighWatermarkBytes"/> wait to be sent (true), or the
    /// connection's output is closed (false): a subscription reads the event store only when its connection has room.
    /// </summary>
    /// <remarks>Any thread, any number of waiters. Allocates nothing when there is room.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async ValueTask<bool> WaitForOutputRoomAsync(CancellationToken cancellationToken)
    {
        while (!_output.IsClosed && PendingOutputBytes >= _options.OutputHighWatermarkBytes)
        {
            Task wake = _progress.WaitAsync();
            if (_output.IsClosed || PendingOutputBytes < _options.OutputHighWatermarkBytes)
            {
                break;
            }

            // The delay only bounds a lost wake-up; the sender pulses _progress as bytes leave.
            await Task.WhenAny(wake, Task.Delay(100, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return !_output.IsClosed;
    }

    /// <summary>Whether the output has room now (fewer than <see cref="IngestOptions.OutputHighWatermarkBytes"/> wait to be sent) and is open.</summary>
    public bool HasOutputRoom => !_output.IsClosed && PendingOutputBytes < _options.OutputHighWatermarkBytes;

    /// <summary>Sends SUBSCRIBED (version 3): the subscription is open and considers events from <paramref name="start"/> on.</summary>
    /// <remarks>Any thread; never blocks; allocates nothing.</remarks>
    public void SendSubscribed(ulong subscriptionId, ulong start, ulong headPosition) =>
        _output.Write((subscriptionId, start, headPosition), static (w, s) => FrameWriter.WriteSubscribed(w, s.subscriptionId, s.start, s.headPosition));

    /// <summary>Sends CAUGHT_UP (version 3): every event up to <paramref name="position"/> was considered.</summary>
    /// <remarks>Any thread; never blocks; allocates nothing.</remarks>
    public void SendCaughtUp(ulong subscriptionId, ulong position) =>
        _output.Write((subscriptionId, position), static (w, s) => FrameWriter.WriteCaughtUp(w, s.subscriptionId, s.position));

    /// <summary>Sends HEARTBEAT (version 3): every event up to <paramref name="checkedPosition"/> was considered.</summary>
    /// <remarks>Any thread; never blocks; allocates nothing.</remarks>
    public void SendHeartbeat(ulong subscriptionId, ulong checkedPosition, ulong headPosition) =>
        _output.Write((subscriptionId, checkedPosition, headPosition), static (w, s) => FrameWriter.WriteHeartbeat(w, s.subscriptionId, s.checkedPosition, s.headPosition));

    /// <summary>
    /// Sends SUB_END (version 3): the end of a subscription, or the refusal of a SUBSCRIBE (<paramref name="next"/> 0),
    /// or NOT_FOUND for a CREDIT or UNSUBSCRIBE.
    /// </summary>
    /// <remarks>Any thread; never blocks.</remarks>
    public void SendSubEnd(ulong subscriptionId, SubscriptionEndStatus status, ulong next, string message) =>
        _output.Write((subscriptionId, status, next, message ?? string.Empty), static (w, s) => FrameWriter.WriteSubEnd(w, s.subscriptionId, s.status, s.next, s.Item4));

    /// <summary>Sends CONSUMER_RESULT (version 3), the answer to a COMMIT or CONSUMER_ADMIN.</summary>
    /// <remarks>Any thread; never blocks.</remarks>
    public void SendConsumerResult(ulong requestId, ConsumerResultStatus status, ulong position, string message) =>
        _output.Write((requestId, status, position, message ?? string.Empty), static (w, s) => FrameWriter.WriteConsumerResult(w, s.requestId, s.status, s.position, s.Item4));

    /// <summary>
    /// Sends the READ_END of a READ: call exactly once per READ handed to <see cref="IIngestBackend.OnRead"/>, after
    /// its EVENTS frames. <paramref name="next"/> is 0 unless the status is OK or TOO_LARGE.
    /// </summary>
    /// <remarks>Any thread; never blocks. Ends the read's share of <see cref="IngestOptions.MaxReadsInFlightPerConnection"/>.</remarks>
    public void SendReadEnd(ulong requestId, ReadStatus status, ulong next, ulong headPosition, uint eventCount, string message)
    {
        _output.WriteReadEnd(requestId, status, next, headPosition, eventCount, message ?? string.Empty);
        Interlocked.Decrement(ref _readsInFlight);
        _output.Flush();
    }

    /// <summary>Sends what was queued (the ack thread calls it at the end of each batch).</summary>
    public void Flush() => _output.Flush();

    /// <summary>
    /// As <see cref="Flush"/>, but when the sender task is idle, writes what was queued to the socket on the calling
    /// thread, as much as the socket buffer takes without waiting; the sender task sends the rest.
    /// </summary>
    /// <remarks>
    /// For the ack thread, at the end of a batch: it is awake anyway, and handing each flush to the sender task cost
    /// a thread-pool wake-up and two context switches per connection and batch. Never blocks.
    /// </remarks>
    public void FlushInline() => _output.FlushInline();

    // Queues a frame and sends it (for the reader's WELCOME and PONG, and the closing ERROR).
    private void Enqueue(Action<IBufferWriter<byte>> write) => _output.Enqueue(write);

    /// <summary>Runs the connection until the client leaves, a protocol error, or <paramref name="stopReading"/> (shutdown).</summary>
    internal async Task RunAsync(CancellationToken stopReading)
    {
        Task sender = _output.SendLoopAsync();
        (ErrorCode Code, string Message)? error = null;
        try
        {
            error = await ReadLoopAsync(stopReading).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopReading.IsCancellationRequested)
        {
            error = (ErrorCode.ShuttingDown, "the server is shutting down");
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or System.IO.IOException)
        {
            Log.SocketFailed(_logger, ex, Id);
        }

        // The connection's subscriptions end here, without SUB_END, and release the consumers they hold; the
        // backend must not throw (it would leave the connection unclosed).
        _backend.OnConnectionClosed(this);
        await _closing.CancelAsync().ConfigureAwait(false);

        // Every PUBLISH that arrived whole is acknowledged before the ERROR and the close.
        await CloseAsync(error, sender).ConfigureAwait(false);
    }
}
