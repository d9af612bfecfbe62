using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

// Publishing, QUERY and PING, and the flush loop that writes the outgoing buffer (the Design block is in PipelineClient.cs).
public sealed partial class PipelineClient
{
    /// <summary>Publishes one command; the task completes with its ACK.</summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> cancels the wait, not the publish: once queued, the command is sent and
    /// acknowledged as usual (it may be journaled), and its ACK is dropped. A token cancelled on entry queues nothing.
    /// </remarks>
    /// <exception cref="ArgumentException">The type is longer than 65535 UTF-8 bytes (nothing is sent).</exception>
    /// <exception cref="OperationCanceledException">From the task: <paramref name="cancellationToken"/> was cancelled before the ACK.</exception>
    public Task<Ack> PublishAsync(string type, ReadOnlyMemory<byte> payload, ushort schemaVersion = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        byte[] typeBytes = TypeBytes(type, nameof(type));
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Ack>(cancellationToken);
        }

        var done = new SingleCompletion();
        lock (_gate)
        {
            ThrowIfFailed();
            var pending = new PendingPublish(done, null, 0, 0, typeBytes, schemaVersion, payload, _nextProducerSequence++);
            _unacknowledged.Enqueue(pending);
            FrameWriter.WritePublish(_outgoing, pending.ProducerSequence, typeBytes, schemaVersion, payload.Span);
        }

        StartFlush();
        return WaitUnlessCancelled(done.Source.Task, cancellationToken);
    }

    /// <summary>Publishes many commands in one write; the task completes with every ACK, in order.</summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> cancels the wait, not the publishes: once queued, the commands are sent and
    /// acknowledged as usual, and their ACKs are dropped. A token cancelled on entry queues nothing.
    /// </remarks>
    /// <exception cref="ArgumentException">A type is longer than 65535 UTF-8 bytes (nothing is sent).</exception>
    /// <exception cref="OperationCanceledException">From the task: <paramref name="cancellationToken"/> was cancelled before the last ACK.</exception>
    public Task<Ack[]> PublishBatchAsync(IReadOnlyList<(string Type, ReadOnlyMemory<byte> Payload)> commands, ushort schemaVersion = 1, CancellationToken cancellationToken = default)
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

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Ack[]>(cancellationToken);
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
        return WaitUnlessCancelled(done.Source.Task, cancellationToken);
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
    /// <remarks>
    /// <paramref name="cancellationToken"/> cancels the wait: a QUERY already queued is still sent, and its RESULT is
    /// dropped. A token cancelled on entry queues nothing.
    /// </remarks>
    /// <exception cref="OperationCanceledException">From the task: <paramref name="cancellationToken"/> was cancelled before the RESULT.</exception>
    public Task<QueryResult> QueryAsync(string name, string argsJson, ulong minSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(argsJson);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<QueryResult>(cancellationToken);
        }

        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        var done = new TaskCompletionSource<QueryResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queries[requestId] = done;
        lock (_gate)
        {
            ThrowIfFailed();
            FrameWriter.WriteQuery(_outgoing, requestId, name, minSequence, argsJson);
        }

        StartFlush();
        return cancellationToken.CanBeCanceled ? WaitForResultAsync(requestId, done.Task, cancellationToken) : done.Task;
    }

    /// <summary>Sends PING and waits for the PONG.</summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> cancels the wait: a PING already queued is still sent, and its PONG is
    /// dropped. A token cancelled on entry queues nothing.
    /// </remarks>
    /// <exception cref="OperationCanceledException">From the task: <paramref name="cancellationToken"/> was cancelled before the PONG.</exception>
    public Task PingAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        ulong nonce = (ulong)Interlocked.Increment(ref _nextRequestId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[nonce] = done;
        lock (_gate)
        {
            ThrowIfFailed();
            FrameWriter.WritePing(_outgoing, nonce);
        }

        StartFlush();
        return cancellationToken.CanBeCanceled ? WaitForPongAsync(nonce, done.Task, cancellationToken) : done.Task;
    }

    // A publish stays queued when its caller stops waiting: its ACK must still be matched, in order, by the FIFO.
    private static Task<T> WaitUnlessCancelled<T>(Task<T> acked, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? acked.WaitAsync(cancellationToken) : acked;

    // A cancelled wait removes the entry, so the receive loop drops a late RESULT (Dispatch ignores ids it does not
    // know) and the map does not grow. An answer that wins the race completes a task nobody waits for: harmless.
    private async Task<QueryResult> WaitForResultAsync(ulong requestId, Task<QueryResult> answer, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _queries.TryRemove(requestId, out _);
            throw;
        }
    }

    // As WaitForResultAsync, for a PONG.
    private async Task WaitForPongAsync(ulong nonce, Task pong, CancellationToken cancellationToken)
    {
        try
        {
            await pong.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _pings.TryRemove(nonce, out _);
            throw;
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
