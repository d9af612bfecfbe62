using System;
using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>
/// The output side of one <see cref="IngestConnection"/>: a double-buffered queue of frames, the sender task that
/// drains it, and the inline send the ack thread may do itself.
/// </summary>
/// <remarks>
/// Writes and flushes may come from any thread; <see cref="SendLoopAsync"/> is the one sender task. Every change of
/// the queued bytes or a finished send pass pulses the connection's progress signal, which the reader waits on.
/// </remarks>
// Design: _pending (bytes waiting to be sent) is guarded by _gate; writers append under it. The sender task
// swaps _pending with _sending under the same lock and writes _sending to the socket outside it, so a slow socket
// never blocks the ack thread. _sendScheduled (Interlocked) makes Flush release the sender at most once per swap.
// FlushInline lets the ack thread do a send pass itself when the sender task is idle: it takes _sendScheduled (so
// nobody releases the task meanwhile), swaps under the lock with _inlineSending set (so a sender task that is just
// finishing its previous pass does not swap under it), and writes with a non-blocking send. What the socket does
// not take stays in _sending from _sendOffset on, and the sender task sends it before it swaps again.
// _closed is written under _gate (so no writer appends after it) and read without it by the sender task and by
// IngestConnection's close, which only need to see it eventually (volatile). _senderIdle is written by the sender
// task (and by Abandon) and read by the close to know the last pass ended; a stale value only delays the close.
internal sealed class ConnectionOutput
{
    private readonly Socket _socket;
    private readonly AsyncSignal _progress;
    private readonly ILogger _logger;
    private readonly long _connectionId;
    private readonly object _gate = new();
    private readonly AsyncAutoResetSignal _sendSignal = new();
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte> _sending = new(4096);
    private int _sendOffset;
    private bool _inlineSending;
    private int _sendScheduled;
    private volatile bool _closed;
    private volatile bool _senderIdle = true;

    /// <param name="socket">The connection's socket; set to non-blocking here.</param>
    /// <param name="progress">Pulsed whenever bytes were queued or sent (the reader waits on it for room).</param>
    /// <param name="logger">For a failed send.</param>
    /// <param name="connectionId">The connection's id, for the log.</param>
    public ConnectionOutput(Socket socket, AsyncSignal progress, ILogger logger, long connectionId)
    {
        _socket = socket;
        _progress = progress;
        _logger = logger;
        _connectionId = connectionId;

        // Synchronous sends (FlushInline) must never wait for room in the socket buffer; async I/O is unaffected.
        socket.Blocking = false;
    }

    /// <summary>Bytes waiting to be sent.</summary>
    public int PendingBytes
    {
        get
        {
            lock (_gate)
            {
                return _pending.WrittenCount + SendingBytes;
            }
        }
    }

    /// <summary>Nothing more will be sent: after <see cref="Close"/> or a failed send.</summary>
    public bool IsClosed => _closed;

    /// <summary>Closed, or everything queued was sent and the sender task is between passes.</summary>
    public bool IsDrained => _closed || (PendingBytes == 0 && _senderIdle);

    // Under _gate: what the current send pass (the sender task's or an inline one) has not yet written.
    private int SendingBytes
    {
        get
        {
            Debug.Assert(Monitor.IsEntered(_gate), "SendingBytes is read under _gate");
            return _sending.WrittenCount - _sendOffset;
        }
    }

    /// <summary>Queues an ACK (sent on the next <see cref="Flush"/>), unless the output is closed.</summary>
    public void WriteAck(ulong producerSequence, ulong sequence, AckStatus status, string detail)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                FrameWriter.WriteAck(_pending, producerSequence, sequence, status, detail);
            }
        }
    }

    /// <summary>Queues a RESULT (sent on the next <see cref="Flush"/>), unless the output is closed.</summary>
    public void WriteResult(ulong requestId, ulong sequence, ResultStatus status, string body)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                FrameWriter.WriteResult(_pending, requestId, sequence, status, body);
            }
        }
    }

    /// <summary>Queues a whole frame written elsewhere (an EVENTS batch), unless the output is closed; false when closed.</summary>
    public bool WriteFrame(ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            frame.CopyTo(_pending.GetSpan(frame.Length));
            _pending.Advance(frame.Length);
            return true;
        }
    }

    /// <summary>Queues a READ_END (sent on the next <see cref="Flush"/>), unless the output is closed.</summary>
    public void WriteReadEnd(ulong requestId, ReadStatus status, ulong next, ulong headPosition, uint eventCount, string message)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                FrameWriter.WriteReadEnd(_pending, requestId, status, next, headPosition, eventCount, message);
            }
        }
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
        lock (_gate)
        {
            if (_closed || _sending.WrittenCount != 0 || _pending.WrittenCount == 0)
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
            lock (_gate)
            {
                _sending.ResetWrittenCount();
                _inlineSending = false;
            }

            // Release the pass; what another thread queued meanwhile (its Flush found the pass taken) goes now.
            Volatile.Write(ref _sendScheduled, 0);
            if (PendingBytes != 0)
            {
                Flush();
            }
        }
        else if (error == SocketError.WouldBlock)
        {
            lock (_gate)
            {
                _sendOffset = sent;
                _inlineSending = false;
            }

            _sendSignal.Set(); // the socket is full: the sender task waits for room and sends the rest first
        }
        else
        {
            Abandon(new SocketException((int)error));
            _sendSignal.Set(); // the sender task wakes, finds the output closed and ends
        }

        _progress.Pulse();
    }

    /// <summary>Queues a frame that <paramref name="write"/> writes from <paramref name="state"/> and sends it, unless the output is closed.</summary>
    /// <remarks>With a static lambda and a value-type state, allocates nothing.</remarks>
    public void Write<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                write(_pending, state);
            }
        }

        Flush();
    }

    public void Enqueue(Action<IBufferWriter<byte>> write)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                write(_pending);
            }
        }

        Flush();
    }

    public async Task SendLoopAsync()
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
                    lock (_gate)
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

                    lock (_gate)
                    {
                        _sending.ResetWrittenCount();
                        _sendOffset = 0;
                    }

                    _progress.Pulse();
                }

                if (_closed)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Abandon(ex);
            _progress.Pulse();
        }
    }

    // After a failed send (by the sender task or inline): nothing will be sent any more, so count nothing as waiting,
    // or a reader held back by the output watermark would wait forever instead of reading on and finding the broken
    // connection.
    private void Abandon(Exception failure)
    {
        Log.SocketFailed(_logger, failure, _connectionId);
        lock (_gate)
        {
            _closed = true;
            _pending.ResetWrittenCount();
            _sending.ResetWrittenCount();
            _sendOffset = 0;
            _inlineSending = false;
        }

        _senderIdle = true;
    }

    /// <summary>Closes the output once the connection is done with it: nothing more is queued, and the sender task ends.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }

        _sendSignal.Set();
    }
}
