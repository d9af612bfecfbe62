using System;
using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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
/// <see cref="SendResult"/> by any thread. Reading stops (TCP then pushes back on the client) while too many
/// PUBLISH frames await their ACK or too many bytes wait to be sent, so memory stays bounded whatever the client does.
/// </remarks>
// Design: _pending (bytes waiting to be sent) is guarded by _outputGate; writers append under it. The sender task
// swaps _pending with _sending under the same lock and writes _sending to the socket outside it, so a slow socket
// never blocks the ack thread. _sendScheduled (Interlocked) makes Flush release the sender at most once per swap.
// FlushInline lets the ack thread do a send pass itself when the sender task is idle: it takes _sendScheduled (so
// nobody releases the task meanwhile), swaps under the lock with _inlineSending set (so a sender task that is just
// finishing its previous pass does not swap under it), and writes with a non-blocking send. What the socket does
// not take stays in _sending from _sendOffset on, and the sender task sends it before it swaps again.
// _inFlight counts PUBLISH frames handed to the backend and not yet acknowledged (Interlocked: the reader
// increments, the ack thread decrements). _progress wakes the reader when it waits for room or for the last ACKs.
public sealed class IngestConnection
{
    private const int InitialReceiveBytes = 64 * 1024;
    private const int MaxPublishRun = 256;
    private readonly Socket _socket;
    private readonly IIngestBackend _backend;
    private readonly IngestOptions _options;
    private readonly ILogger _logger;
    private readonly object _outputGate = new();
    private readonly AsyncAutoResetSignal _sendSignal = new();
    private readonly AsyncSignal _progress = new();
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte> _sending = new(4096);
    private int _sendOffset;
    private bool _inlineSending;
    private int _sendScheduled;
    private int _inFlight;
    private volatile bool _outputClosed;
    private volatile bool _senderIdle = true;
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

        // Synchronous sends (FlushInline) must never wait for room in the socket buffer; async I/O is unaffected.
        socket.Blocking = false;
    }

    /// <summary>A number unique within this server process.</summary>
    public long Id { get; }

    /// <summary>The producer id from HELLO (0 = anonymous).</summary>
    public ulong ProducerId { get; private set; }

    /// <summary>The client name from HELLO.</summary>
    public string ClientName { get; private set; } = string.Empty;

    /// <summary>The client's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Used only by the engine's acknowledgement thread, to flush each touched connection once per batch.</summary>
    internal long AckBatchMark { get; set; } = -1;

    /// <summary>PUBLISH frames handed to the backend and not yet acknowledged.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    // Under _outputGate: what the current send pass (the sender task's or an inline one) has not yet written.
    private int SendingBytes => _sending.WrittenCount - _sendOffset;

    /// <summary>Bytes waiting to be sent.</summary>
    public int PendingOutputBytes
    {
        get
        {
            lock (_outputGate)
            {
                return _pending.WrittenCount + SendingBytes;
            }
        }
    }

    /// <summary>Queues an ACK (sent on the next <see cref="Flush"/>). Call exactly once per accepted PUBLISH.</summary>
    public void SendAck(ulong producerSequence, ulong sequence, AckStatus status, string detail)
    {
        lock (_outputGate)
        {
            if (!_outputClosed)
            {
                FrameWriter.WriteAck(_pending, producerSequence, sequence, status, detail);
            }
        }

        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Queues a RESULT and sends it.</summary>
    public void SendResult(ulong requestId, ulong sequence, ResultStatus status, string body)
    {
        lock (_outputGate)
        {
            if (!_outputClosed)
            {
                FrameWriter.WriteResult(_pending, requestId, sequence, status, body);
            }
        }

        Flush();
    }

    /// <summary>Sends what was queued (the ack thread calls it at the end of each batch).</summary>
    public void Flush()
    {
        if (Interlocked.Exchange(ref _sendScheduled, 1) == 0)
        {
            _sendSignal.Set();
        }

        _progress.Pulse();
    }

    /// <summary>
    /// As <see cref="Flush"/>, but when the sender task is idle, writes what was queued to the socket on the calling
    /// thread, as much as the socket buffer takes without waiting; the sender task sends the rest.
    /// </summary>
    /// <remarks>
    /// For the ack thread, at the end of a batch: it is awake anyway, and handing each flush to the sender task cost
    /// a thread-pool wake-up and two context switches per connection and batch. Never blocks.
    /// </remarks>
    public void FlushInline()
    {
        if (Interlocked.Exchange(ref _sendScheduled, 1) != 0)
        {
            _progress.Pulse(); // a send pass is already due, and it takes what was queued
            return;
        }

        ReadOnlyMemory<byte> data;
        lock (_outputGate)
        {
            if (_outputClosed || _sending.WrittenCount != 0 || _pending.WrittenCount == 0)
            {
                data = ReadOnlyMemory<byte>.Empty; // closed, the sender task is busy, or nothing to send
            }
            else
            {
                (_pending, _sending) = (_sending, _pending);
                _inlineSending = true;
                data = _sending.WrittenMemory;
            }
        }

        if (data.IsEmpty)
        {
            _sendSignal.Set(); // as Flush: the sender task takes it from here (and clears _sendScheduled)
            _progress.Pulse();
            return;
        }

        int sent = 0;
        SocketError error = SocketError.Success;
        try
        {
            while (sent < data.Length)
            {
                int n = _socket.Send(data.Span[sent..], SocketFlags.None, out error);
                if (error != SocketError.Success)
                {
                    break;
                }

                sent += n;
            }
        }
        catch (ObjectDisposedException)
        {
            error = SocketError.OperationAborted; // closed under us after a close timed out
        }

        if (sent == data.Length)
        {
            lock (_outputGate)
            {
                _sending.ResetWrittenCount();
                _inlineSending = false;
            }

            // Release the pass; what another thread queued meanwhile (its Flush found the pass taken) goes now.
            Volatile.Write(ref _sendScheduled, 0);
            if (PendingOutputBytes != 0)
            {
                Flush();
            }
        }
        else if (error == SocketError.WouldBlock)
        {
            lock (_outputGate)
            {
                _sendOffset = sent;
                _inlineSending = false;
            }

            _sendSignal.Set(); // the socket is full: the sender task waits for room and sends the rest first
        }
        else
        {
            AbandonOutput(new SocketException((int)error));
            _sendSignal.Set(); // the sender task wakes, finds the output closed and ends
        }

        _progress.Pulse();
    }

    private void Enqueue(Action<IBufferWriter<byte>> write)
    {
        lock (_outputGate)
        {
            if (!_outputClosed)
            {
                write(_pending);
            }
        }

        Flush();
    }

    /// <summary>Runs the connection until the client leaves, a protocol error, or <paramref name="stopReading"/> (shutdown).</summary>
    internal async Task RunAsync(CancellationToken stopReading)
    {
        Task sender = SendLoopAsync();
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

        // Every PUBLISH that arrived whole is acknowledged before the ERROR and the close.
        await CloseAsync(error, sender).ConfigureAwait(false);
    }

    private async Task<(ErrorCode, string)?> ReadLoopAsync(CancellationToken stopReading)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBytes);
        int start = 0;
        int end = 0;
        try
        {
            while (true)
            {
                // Handle every whole frame in the buffer.
                while (true)
                {
                    FrameStatus status = FrameHeader.TryRead(buffer.AsSpan(start, end - start), _options.MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);
                    if (status == FrameStatus.NeedMore)
                    {
                        break;
                    }

                    if (status == FrameStatus.BadLength)
                    {
                        return (ErrorCode.BadFrame, $"frame length is 0 or above the maximum of {_options.MaxFrameLength}");
                    }

                    if (kind == (byte)FrameKind.Publish && _helloDone)
                    {
                        // Backpressure applies per run, not only per receive: one receive can hold thousands of frames,
                        // and handing them all over would overrun MaxInFlightPerConnection and pile their ACKs past
                        // OutputHighWatermarkBytes.
                        int room = _options.MaxInFlightPerConnection - InFlight;
                        if (room <= 0 || PendingOutputBytes >= _options.OutputHighWatermarkBytes)
                        {
                            await WaitForRoomAsync(stopReading).ConfigureAwait(false);
                            continue;
                        }

                        // A run of PUBLISH frames goes into the ring as one claim and one publish.
                        int run = CollectPublishRun(buffer.AsSpan(0, end), start, Math.Min(room, MaxPublishRun), out bool malformedNext);
                        if (run == 0)
                        {
                            return (ErrorCode.Malformed, "malformed PUBLISH");
                        }

                        Interlocked.Add(ref _inFlight, run);
                        int taken = _backend.TryPublish(this, buffer.AsSpan(0, end), _runBodies.AsSpan(0, run));
                        if (taken < run)
                        {
                            Interlocked.Add(ref _inFlight, taken - run);
                        }

                        if (taken == 0)
                        {
                            await WaitForRingAsync(stopReading).ConfigureAwait(false);
                            continue;
                        }

                        start = _runEnds[taken - 1];
                        if (taken == run && malformedNext)
                        {
                            return (ErrorCode.Malformed, "malformed PUBLISH");
                        }

                        continue;
                    }

                    FrameOutcome outcome = HandleFrame(kind, body, out (ErrorCode, string) error);
                    if (outcome == FrameOutcome.Error)
                    {
                        return error;
                    }

                    start += frameBytes;
                }

                await WaitForRoomAsync(stopReading).ConfigureAwait(false);

                // Make room: move the partial frame to the front, grow the buffer for a large frame.
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxFrameLength + sizeof(uint)));
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, stopReading).ConfigureAwait(false);
                if (read == 0)
                {
                    if (end > start)
                    {
                        return (ErrorCode.Malformed, "the connection ended inside a frame");
                    }

                    return null; // the client closed its side
                }

                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Collects up to maxRun consecutive, well-formed PUBLISH frames from start; malformedNext says the run ended at a malformed one.
    private int CollectPublishRun(ReadOnlySpan<byte> buffer, int start, int maxRun, out bool malformedNext)
    {
        malformedNext = false;
        int count = 0;
        int at = start;
        while (count < maxRun)
        {
            FrameStatus status = FrameHeader.TryRead(buffer[at..], _options.MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);
            if (status != FrameStatus.Complete || kind != (byte)FrameKind.Publish)
            {
                break;
            }

            if (!ClientFrames.TryParsePublish(body, out _))
            {
                malformedNext = true;
                break;
            }

            int bodyStart = at + FrameHeader.Size;
            _runBodies[count] = new Range(bodyStart, bodyStart + body.Length);
            at += frameBytes;
            _runEnds[count] = at;
            count++;
        }

        return count;
    }

    private FrameOutcome HandleFrame(byte kind, ReadOnlySpan<byte> body, out (ErrorCode, string) error)
    {
        error = default;
        if (kind is not ((byte)FrameKind.Hello or (byte)FrameKind.Publish or (byte)FrameKind.Query or (byte)FrameKind.Ping))
        {
            error = (ErrorCode.UnknownKind, $"unknown frame kind 0x{kind:X2}");
            return FrameOutcome.Error;
        }

        if ((kind == (byte)FrameKind.Hello) == _helloDone)
        {
            error = (ErrorCode.HelloRequired, _helloDone ? "HELLO came twice" : "the first frame must be HELLO");
            return FrameOutcome.Error;
        }

        switch ((FrameKind)kind)
        {
            case FrameKind.Hello:
                if (!ClientFrames.TryParseHello(body, out HelloFrame hello))
                {
                    error = (ErrorCode.Malformed, "malformed HELLO");
                    return FrameOutcome.Error;
                }

                if (hello.Version != FrameHeader.ProtocolVersion)
                {
                    error = (ErrorCode.UnsupportedVersion, $"protocol version {hello.Version} is not supported; this server speaks {FrameHeader.ProtocolVersion}");
                    return FrameOutcome.Error;
                }

                _helloDone = true;
                ProducerId = hello.ProducerId;
                ClientName = Encoding.UTF8.GetString(hello.ClientName);
                (ulong last, ulong head) = _backend.OnHello(hello.ProducerId);
                ulong producerId = hello.ProducerId;
                Enqueue(w => FrameWriter.WriteWelcome(w, FrameHeader.ProtocolVersion, producerId, last, head));
                return FrameOutcome.Handled;

            case FrameKind.Publish:
                error = (ErrorCode.Malformed, "malformed PUBLISH"); // well-formed runs never reach here
                return FrameOutcome.Error;

            case FrameKind.Query:
                if (!ClientFrames.TryParseQuery(body, out QueryFrame query))
                {
                    error = (ErrorCode.Malformed, "malformed QUERY");
                    return FrameOutcome.Error;
                }

                _backend.OnQuery(this, query);
                return FrameOutcome.Handled;

            default:
                if (!ClientFrames.TryParsePing(body, out ulong nonce))
                {
                    error = (ErrorCode.Malformed, "malformed PING");
                    return FrameOutcome.Error;
                }

                Enqueue(w => FrameWriter.WritePong(w, nonce));
                return FrameOutcome.Handled;
        }
    }

    // The ring is full: back off briefly. The engine drains it within milliseconds unless it is stalled.
    private static Task WaitForRingAsync(CancellationToken stopReading) => Task.Delay(1, stopReading);

    // Waits while too many ACKs are outstanding or too many bytes wait to be sent.
    private async Task WaitForRoomAsync(CancellationToken stopReading)
    {
        while (InFlight >= _options.MaxInFlightPerConnection || PendingOutputBytes >= _options.OutputHighWatermarkBytes)
        {
            Task wake = _progress.WaitAsync();
            if (InFlight < _options.MaxInFlightPerConnection && PendingOutputBytes < _options.OutputHighWatermarkBytes)
            {
                return;
            }

            // The delay only bounds a lost wake-up; the ack thread pulses _progress as it makes room.
            await Task.WhenAny(wake, Task.Delay(100, CancellationToken.None)).ConfigureAwait(false);
            stopReading.ThrowIfCancellationRequested();
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                await _sendSignal.WaitAsync().ConfigureAwait(false);
                while (true)
                {
                    bool inlineBusy;
                    int offset = 0;
                    lock (_outputGate)
                    {
                        // An inline send in progress owns _sending and the pass; it releases the pass when done.
                        inlineBusy = _inlineSending;
                        if (!inlineBusy)
                        {
                            if (_sending.WrittenCount == 0)
                            {
                                (_pending, _sending) = (_sending, _pending);
                                _sendOffset = 0;
                            }

                            // else: the rest of an inline send that the socket did not take, which goes first
                            offset = _sendOffset;
                            _senderIdle = SendingBytes == 0;
                            Volatile.Write(ref _sendScheduled, 0);
                        }
                    }

                    if (inlineBusy)
                    {
                        break;
                    }

                    if (_sending.WrittenCount == 0)
                    {
                        _progress.Pulse();
                        break;
                    }

                    ReadOnlyMemory<byte> data = _sending.WrittenMemory[offset..];
                    while (!data.IsEmpty)
                    {
                        int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
                        data = data[sent..];
                    }

                    lock (_outputGate)
                    {
                        _sending.ResetWrittenCount();
                        _sendOffset = 0;
                    }

                    _progress.Pulse();
                }

                if (_outputClosed)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            AbandonOutput(ex);
            _progress.Pulse();
        }
    }

    // After a failed send (by the sender task or inline): nothing will be sent any more, so count nothing as waiting,
    // or a reader held back by the output watermark would wait forever instead of reading on and finding the broken
    // connection.
    private void AbandonOutput(Exception failure)
    {
        Log.SocketFailed(_logger, failure, Id);
        lock (_outputGate)
        {
            _outputClosed = true;
            _pending.ResetWrittenCount();
            _sending.ResetWrittenCount();
            _sendOffset = 0;
            _inlineSending = false;
        }

        _senderIdle = true;
    }

    private async Task CloseAsync((ErrorCode Code, string Message)? error, Task sender)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.CloseTimeout.TotalSeconds * Stopwatch.Frequency);
        bool done = await WaitUntilAsync(() => InFlight == 0, deadline).ConfigureAwait(false);
        if (!done)
        {
            Log.CloseTimedOut(_logger, Id, InFlight);
        }

        if (error is { } e)
        {
            if (e.Code != ErrorCode.ShuttingDown)
            {
                Log.ProtocolError(_logger, Id, e.Code, e.Message);
            }

            Enqueue(w => FrameWriter.WriteError(w, e.Code, e.Message));
        }

        Flush();
        await WaitUntilAsync(() => _outputClosed || (PendingOutputBytes == 0 && _senderIdle), deadline).ConfigureAwait(false);
        lock (_outputGate)
        {
            _outputClosed = true;
        }

        _sendSignal.Set();
        await LingerAsync(deadline).ConfigureAwait(false);
        _socket.Dispose();
        await sender.ConfigureAwait(false);
        Log.ConnectionClosed(_logger, Id);
    }

    // A lingering close: send FIN, then read and drop what the client still sends until it closes too (or the
    // deadline). Closing a socket with unread input makes the kernel answer with RST, and a RST can destroy ACKs and
    // the ERROR frame that are still waiting in the client's receive buffer.
    private async Task LingerAsync(long deadline)
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            byte[] sink = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                long remaining = deadline - Stopwatch.GetTimestamp();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Clamp(remaining / (double)Stopwatch.Frequency, 0.1, 2.0)));
                while (await _socket.ReceiveAsync(sink, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(sink);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone, or did not close in time: close anyway.
        }
    }

    private async Task<bool> WaitUntilAsync(Func<bool> condition, long deadline)
    {
        while (!condition())
        {
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return false;
            }

            Task wake = _progress.WaitAsync();
            if (condition())
            {
                return true;
            }

            // The timeout only bounds a lost wake-up; progress normally pulses the signal.
            await Task.WhenAny(wake, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50, remaining * 1000.0 / Stopwatch.Frequency)))).ConfigureAwait(false);
        }

        return true;
    }

    private enum FrameOutcome
    {
        Handled,
        Error,
    }
}
