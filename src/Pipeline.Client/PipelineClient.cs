using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>
/// A .NET client of the Pipeline wire protocol: HELLO on connect, pipelined PUBLISH (one task per publish, or a
/// batch), QUERY and PING. With <see cref="PipelineClientOptions.AutoReconnect"/> it reconnects after a lost
/// connection and resumes: publishes the journal already holds (at or below WELCOME's last_producer_seq) complete
/// as DUPLICATE, the rest are sent again in order. An anonymous client (producer id 0) reconnects too, but its
/// unacknowledged publishes fail instead of being re-sent, since the server could not de-duplicate them.
/// </summary>
/// <remarks>
/// Thread-safe: any number of threads may publish and query at once; frames are coalesced into large socket writes.
/// A publish keeps a reference to its payload until acknowledged (for a resend): do not change the bytes before.
/// </remarks>
// Design: _gate guards the outgoing buffer, the queue of unacknowledged publishes (ACKs come back in publish order,
// so a FIFO matches them) and the connection swap during a reconnect. One flush task at a time (_flushing) writes
// the buffer to the socket; one receive task reads frames and completes the matching tasks.
public sealed class PipelineClient : IAsyncDisposable
{
    private readonly PipelineClientOptions _options;
    private readonly object _gate = new();
    private readonly Queue<PendingPublish> _unacknowledged = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<QueryResult>> _queries = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource> _pings = new();
    private readonly ConcurrentDictionary<string, byte[]> _types = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private ArrayBufferWriter<byte> _outgoing = new(64 * 1024);
    private ArrayBufferWriter<byte> _flushingBuffer = new(64 * 1024);
    private Socket _socket;
    private Task _receiveLoop = Task.CompletedTask;
    private bool _flushing;
    private ulong _nextProducerSequence;
    private long _nextRequestId;
    private Exception? _failure;

    private PipelineClient(PipelineClientOptions options, Socket socket, Welcome welcome)
    {
        _options = options;
        _socket = socket;
        Welcome = welcome;
        _nextProducerSequence = welcome.LastProducerSequence + 1;
    }

    /// <summary>The WELCOME of the current connection.</summary>
    public Welcome Welcome { get; private set; }

    /// <summary>How many times the client reconnected.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Connects, sends HELLO and waits for WELCOME.</summary>
    /// <exception cref="ServerErrorException">The server refused the connection (e.g. TOO_MANY_CONNECTIONS).</exception>
    public static async Task<PipelineClient> ConnectAsync(PipelineClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        (Socket socket, Welcome welcome, byte[] leftover, int leftoverCount) = await HandshakeAsync(options, cancellationToken).ConfigureAwait(false);
        var client = new PipelineClient(options, socket, welcome);
        client._receiveLoop = client.ReceiveLoopAsync(socket, leftover, leftoverCount);
        return client;
    }

    private static async Task<(Socket, Welcome, byte[], int)> HandshakeAsync(PipelineClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            var hello = new ArrayBufferWriter<byte>(64);
            FrameWriter.WriteHello(hello, FrameHeader.ProtocolVersion, options.ProducerId, options.ClientName);
            await socket.SendAsync(hello.WrittenMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            byte[] buffer = new byte[64 * 1024];
            int count = 0;
            while (true)
            {
                FrameStatus status = FrameHeader.TryRead(buffer.AsSpan(0, count), options.MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);
                if (status == FrameStatus.Complete)
                {
                    if (kind == (byte)FrameKind.Error)
                    {
                        (ErrorCode code, string message) = ParseError(body);
                        throw new ServerErrorException(code, message);
                    }

                    if (kind != (byte)FrameKind.Welcome || body.Length != 26)
                    {
                        throw new InvalidOperationException($"Expected WELCOME, got frame kind 0x{kind:X2}.");
                    }

                    var welcome = new Welcome(
                        BinaryPrimitives.ReadUInt16LittleEndian(body),
                        BinaryPrimitives.ReadUInt64LittleEndian(body[2..]),
                        BinaryPrimitives.ReadUInt64LittleEndian(body[10..]),
                        BinaryPrimitives.ReadUInt64LittleEndian(body[18..]));
                    Buffer.BlockCopy(buffer, frameBytes, buffer, 0, count - frameBytes);
                    return (socket, welcome, buffer, count - frameBytes);
                }

                if (status == FrameStatus.BadLength)
                {
                    throw new InvalidOperationException("The server sent a frame with a bad length.");
                }

                int read = await socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }

                count += read;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Publishes one command; the task completes with its ACK.</summary>
    /// <exception cref="ArgumentException">The type is longer than 65535 UTF-8 bytes (nothing is sent).</exception>
    public Task<Ack> PublishAsync(string type, ReadOnlyMemory<byte> payload, ushort schemaVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(type);
        byte[] typeBytes = TypeBytes(type, nameof(type));
        var done = new SingleCompletion();
        lock (_gate)
        {
            ThrowIfFailed();
            var pending = new PendingPublish(done, null, 0, 0, typeBytes, schemaVersion, payload, _nextProducerSequence++);
            _unacknowledged.Enqueue(pending);
            FrameWriter.WritePublish(_outgoing, pending.ProducerSequence, typeBytes, schemaVersion, payload.Span);
        }

        StartFlush();
        return done.Source.Task;
    }

    /// <summary>Publishes many commands in one write; the task completes with every ACK, in order.</summary>
    /// <exception cref="ArgumentException">A type is longer than 65535 UTF-8 bytes (nothing is sent).</exception>
    public Task<Ack[]> PublishBatchAsync(IReadOnlyList<(string Type, ReadOnlyMemory<byte> Payload)> commands, ushort schemaVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count == 0)
        {
            return Task.FromResult(Array.Empty<Ack>());
        }

        byte[][] types = new byte[commands.Count][];
        for (int i = 0; i < commands.Count; i++)
        {
            types[i] = TypeBytes(commands[i].Type, nameof(commands));
        }

        var done = new BatchCompletion(commands.Count);
        lock (_gate)
        {
            ThrowIfFailed();
            for (int i = 0; i < commands.Count; i++)
            {
                byte[] typeBytes = types[i];
                var pending = new PendingPublish(done, null, 0, i, typeBytes, schemaVersion, commands[i].Payload, _nextProducerSequence++);
                _unacknowledged.Enqueue(pending);
                FrameWriter.WritePublish(_outgoing, pending.ProducerSequence, typeBytes, schemaVersion, commands[i].Payload.Span);
            }
        }

        StartFlush();
        return done.Source.Task;
    }

    /// <summary>
    /// Publishes many commands in one write; each ACK goes to <paramref name="observer"/> with <paramref name="token"/>
    /// and the command's index in the batch.
    /// </summary>
    /// <remarks>
    /// Allocates nothing per command (types are encoded once per client); the payloads are referenced until
    /// acknowledged. Thread-safe like the other publishes; ACKs of one client reach the observer in publish order.
    /// </remarks>
    /// <exception cref="ArgumentException">A type is longer than 65535 UTF-8 bytes (nothing is sent).</exception>
    /// <exception cref="InvalidOperationException">The connection failed before (nothing is sent).</exception>
    public void PublishBatch(ReadOnlySpan<(string Type, ReadOnlyMemory<byte> Payload)> commands, IAckObserver observer, long token, ushort schemaVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (commands.IsEmpty)
        {
            return;
        }

        // Checked before anything is queued, so a bad type sends nothing. A pooled array: no allocation per batch.
        byte[][] types = ArrayPool<byte[]>.Shared.Rent(commands.Length);
        try
        {
            for (int i = 0; i < commands.Length; i++)
            {
                types[i] = TypeBytes(commands[i].Type, nameof(commands));
            }

            lock (_gate)
            {
                ThrowIfFailed();
                for (int i = 0; i < commands.Length; i++)
                {
                    var pending = new PendingPublish(null, observer, token, i, types[i], schemaVersion, commands[i].Payload, _nextProducerSequence++);
                    _unacknowledged.Enqueue(pending);
                    FrameWriter.WritePublish(_outgoing, pending.ProducerSequence, types[i], schemaVersion, commands[i].Payload.Span);
                }
            }
        }
        finally
        {
            ArrayPool<byte[]>.Shared.Return(types, clearArray: true);
        }

        StartFlush();
    }

    /// <summary>Asks a read model; answers once it reflects at least <paramref name="minSequence"/> (or TIMEOUT).</summary>
    public Task<QueryResult> QueryAsync(string name, string argsJson, ulong minSequence = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(argsJson);
        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        var done = new TaskCompletionSource<QueryResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queries[requestId] = done;
        lock (_gate)
        {
            ThrowIfFailed();
            FrameWriter.WriteQuery(_outgoing, requestId, name, minSequence, argsJson);
        }

        StartFlush();
        return done.Task;
    }

    /// <summary>Sends PING and waits for the PONG.</summary>
    public Task PingAsync()
    {
        ulong nonce = (ulong)Interlocked.Increment(ref _nextRequestId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[nonce] = done;
        lock (_gate)
        {
            ThrowIfFailed();
            FrameWriter.WritePing(_outgoing, nonce);
        }

        StartFlush();
        return done.Task;
    }

    private void ThrowIfFailed()
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (_failure is not null)
        {
            throw new InvalidOperationException("The connection failed: " + _failure.Message, _failure);
        }
    }

    private void StartFlush()
    {
        lock (_gate)
        {
            if (_flushing || _outgoing.WrittenCount == 0)
            {
                return;
            }

            _flushing = true;
        }

        _ = FlushLoopAsync();
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            Socket socket;
            lock (_gate)
            {
                if (_outgoing.WrittenCount == 0)
                {
                    _flushing = false;
                    return;
                }

                (_outgoing, _flushingBuffer) = (_flushingBuffer, _outgoing);
                socket = _socket;
            }

            try
            {
                ReadOnlyMemory<byte> data = _flushingBuffer.WrittenMemory;
                while (!data.IsEmpty)
                {
                    int sent = await socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
                    data = data[sent..];
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The receive loop sees the broken connection too and reconnects or fails the pending calls.
            }
            finally
            {
                _flushingBuffer.ResetWrittenCount();
            }
        }
    }

    private async Task ReceiveLoopAsync(Socket socket, byte[] buffer, int count)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                int start = 0;
                while (true)
                {
                    FrameStatus status = FrameHeader.TryRead(buffer.AsSpan(start, count - start), _options.MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);
                    if (status == FrameStatus.NeedMore)
                    {
                        break;
                    }

                    if (status == FrameStatus.BadLength)
                    {
                        throw new InvalidOperationException("The server sent a frame with a bad length.");
                    }

                    Dispatch(kind, body);
                    start += frameBytes;
                }

                Buffer.BlockCopy(buffer, start, buffer, 0, count - start);
                count -= start;
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int read = await socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, _disposed.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }

                count += read;
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            failure = new ObjectDisposedException(nameof(PipelineClient));
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        socket.Dispose();
        if (_options.AutoReconnect && !_disposed.IsCancellationRequested && failure is not ServerErrorException { Code: not ErrorCode.ShuttingDown })
        {
            if (await TryReconnectAsync().ConfigureAwait(false))
            {
                return;
            }
        }

        Fail(failure);
    }

    private void Dispatch(byte kind, ReadOnlySpan<byte> body)
    {
        switch ((FrameKind)kind)
        {
            case FrameKind.Ack:
            {
                var reader = new BodyReader(body);
                if (!reader.TryReadUInt64(out ulong producerSequence) || !reader.TryReadUInt64(out ulong sequence)
                    || !reader.TryReadByte(out byte status) || !reader.TryReadString(out ReadOnlySpan<byte> detail))
                {
                    throw new InvalidOperationException("Malformed ACK from the server.");
                }

                PendingPublish pending;
                lock (_gate)
                {
                    if (!_unacknowledged.TryDequeue(out pending))
                    {
                        throw new InvalidOperationException($"An ACK for producer_seq {producerSequence} came with no publish waiting.");
                    }
                }

                if (pending.Observer is { } observer)
                {
                    observer.OnAck(pending.Token, pending.Index, sequence, (AckStatus)status, detail);
                }
                else
                {
                    pending.Done!.Complete(pending.Index, new Ack(producerSequence, sequence, (AckStatus)status, detail.IsEmpty ? string.Empty : Encoding.UTF8.GetString(detail)));
                }

                break;
            }

            case FrameKind.Result:
            {
                var reader = new BodyReader(body);
                if (!reader.TryReadUInt64(out ulong requestId) || !reader.TryReadUInt64(out ulong sequence)
                    || !reader.TryReadByte(out byte status) || !reader.TryReadString(out ReadOnlySpan<byte> json))
                {
                    throw new InvalidOperationException("Malformed RESULT from the server.");
                }

                if (_queries.TryRemove(requestId, out TaskCompletionSource<QueryResult>? done))
                {
                    done.TrySetResult(new QueryResult(requestId, sequence, (ResultStatus)status, Encoding.UTF8.GetString(json)));
                }

                break;
            }

            case FrameKind.Pong:
                if (body.Length == 8 && _pings.TryRemove(BinaryPrimitives.ReadUInt64LittleEndian(body), out TaskCompletionSource? pong))
                {
                    pong.TrySetResult();
                }

                break;

            case FrameKind.Error:
            {
                (ErrorCode code, string message) = ParseError(body);
                throw new ServerErrorException(code, message);
            }

            default:
                throw new InvalidOperationException($"Unexpected frame kind 0x{kind:X2} from the server.");
        }
    }

    private static (ErrorCode, string) ParseError(ReadOnlySpan<byte> body)
    {
        var reader = new BodyReader(body);
        return reader.TryReadUInt16(out ushort code) && reader.TryReadString(out ReadOnlySpan<byte> message)
            ? ((ErrorCode)code, Encoding.UTF8.GetString(message))
            : ((ErrorCode)0, "malformed ERROR frame");
    }

    private async Task<bool> TryReconnectAsync()
    {
        for (int attempt = 0; attempt < _options.MaxReconnectAttempts && !_disposed.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(_options.ReconnectDelay, _disposed.Token).ConfigureAwait(false);
                (Socket socket, Welcome welcome, byte[] leftover, int leftoverCount) = await HandshakeAsync(_options, _disposed.Token).ConfigureAwait(false);
                Resume(socket, welcome);
                _receiveLoop = ReceiveLoopAsync(socket, leftover, leftoverCount);
                StartFlush();
                return true;
            }
            catch (Exception ex) when (ex is SocketException or ServerErrorException or InvalidOperationException)
            {
                // The server is not back yet; try again.
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    // Under _gate: what the journal holds is settled; the rest is written again, in order, ahead of anything new.
    // Observers and completions are told after the lock: an observer may publish again from its callback.
    private void Resume(Socket socket, Welcome welcome)
    {
        var settled = new List<PendingPublish>();
        bool anonymous = _options.ProducerId == 0;
        lock (_gate)
        {
            _socket = socket;
            Welcome = welcome;
            Reconnects++;
            var stillPending = new List<PendingPublish>();
            while (_unacknowledged.TryDequeue(out PendingPublish pending))
            {
                if (anonymous || pending.ProducerSequence <= welcome.LastProducerSequence)
                {
                    settled.Add(pending);
                }
                else
                {
                    stillPending.Add(pending);
                }
            }

            _outgoing.ResetWrittenCount(); // anything unsent is rebuilt below, queries and pings excepted
            foreach (PendingPublish pending in stillPending)
            {
                _unacknowledged.Enqueue(pending);
                FrameWriter.WritePublish(_outgoing, pending.ProducerSequence, pending.Type, pending.SchemaVersion, pending.Payload.Span);
            }

            if (!anonymous && _nextProducerSequence <= welcome.LastProducerSequence)
            {
                _nextProducerSequence = welcome.LastProducerSequence + 1;
            }
        }

        foreach (PendingPublish pending in settled)
        {
            if (anonymous)
            {
                // Without a producer id the server cannot de-duplicate: a resend could apply a command twice.
                FailOne(pending, new InvalidOperationException("The connection was lost before the ACK; an anonymous publish is not re-sent (it may or may not be journaled). Use a producer id to resume safely."));
            }
            else if (pending.Observer is { } observer)
            {
                observer.OnAck(pending.Token, pending.Index, 0, AckStatus.Duplicate, "journaled before the reconnect"u8);
            }
            else
            {
                pending.Done!.Complete(pending.Index, new Ack(pending.ProducerSequence, 0, AckStatus.Duplicate, "journaled before the reconnect"));
            }
        }

        FailRequests(new InvalidOperationException("The connection was lost; the query or ping was not answered."));
    }

    private void Fail(Exception? failure)
    {
        failure ??= new InvalidOperationException("The connection closed.");
        List<PendingPublish> pending;
        lock (_gate)
        {
            _failure = failure;
            pending = [.. _unacknowledged];
            _unacknowledged.Clear();
        }

        foreach (PendingPublish p in pending)
        {
            FailOne(p, failure);
        }

        FailRequests(failure);
    }

    private static void FailOne(in PendingPublish pending, Exception failure)
    {
        if (pending.Observer is { } observer)
        {
            observer.OnFailed(pending.Token, pending.Index, failure);
        }
        else
        {
            pending.Done!.Fail(failure);
        }
    }

    private void FailRequests(Exception failure)
    {
        foreach (ulong id in _queries.Keys)
        {
            if (_queries.TryRemove(id, out TaskCompletionSource<QueryResult>? q))
            {
                q.TrySetException(failure);
            }
        }

        foreach (ulong id in _pings.Keys)
        {
            if (_pings.TryRemove(id, out TaskCompletionSource? p))
            {
                p.TrySetException(failure);
            }
        }
    }

    /// <summary>Closes the connection; pending calls fail.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        Socket socket;
        lock (_gate)
        {
            socket = _socket;
        }

        socket.Dispose();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing.
        }

        _disposed.Dispose();
    }

    // One unacknowledged publish; a batch shares one completion (one task for the whole batch, not one per command),
    // or, from PublishBatch with an observer, has no completion at all (Done is null, Observer and Token are set).
    private readonly record struct PendingPublish(Completion? Done, IAckObserver? Observer, long Token, int Index, byte[] Type, ushort SchemaVersion, ReadOnlyMemory<byte> Payload, ulong ProducerSequence);

    private abstract class Completion
    {
        public abstract void Complete(int index, Ack ack);

        public abstract void Fail(Exception failure);
    }

    private sealed class SingleCompletion : Completion
    {
        public TaskCompletionSource<Ack> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete(int index, Ack ack) => Source.TrySetResult(ack);

        public override void Fail(Exception failure) => Source.TrySetException(failure);
    }

    private sealed class BatchCompletion(int count) : Completion
    {
        private readonly Ack[] _acks = new Ack[count];
        private int _remaining = count;

        public TaskCompletionSource<Ack[]> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete(int index, Ack ack)
        {
            _acks[index] = ack;
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                Source.TrySetResult(_acks);
            }
        }

        public override void Fail(Exception failure) => Source.TrySetException(failure);
    }

    // Checked before anything is queued: a publish queued without its frame would take the next publish's ACK.
    private byte[] TypeBytes(string type, string paramName)
    {
        ArgumentNullException.ThrowIfNull(type, paramName);

        // Types are few: encode each once.
        if (!_types.TryGetValue(type, out byte[]? bytes))
        {
            bytes = Encoding.UTF8.GetBytes(type);
            if (bytes.Length > FrameWriter.MaxStringBytes)
            {
                throw new ArgumentException($"A type is at most {FrameWriter.MaxStringBytes} UTF-8 bytes; this one is {bytes.Length}.", paramName);
            }

            _types[type] = bytes;
        }

        return bytes;
    }
}
