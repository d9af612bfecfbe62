using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>
/// A .NET client of the Pipeline wire protocol: HELLO on connect, pipelined PUBLISH (one task per publish, or a
/// batch), QUERY and PING; READ (version 2); subscriptions, FETCH and durable consumers (version 3). With <see cref="PipelineClientOptions.AutoReconnect"/> it reconnects after a lost
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
// the buffer to the socket (PipelineClient.Send.cs); one receive task reads frames and completes the matching tasks
// (PipelineClient.Receive.cs); after a lost connection it reconnects and resumes (PipelineClient.Reconnect.cs).
// Subscriptions have their own Design block (PipelineClient.Subscribe.cs): each has a lock taken before _gate.
// _queries, _reads (READ and FETCH), _pings and _consumerRequests are concurrent maps: the caller adds an entry before its frame is queued; whoever removes it
// (the receive task on the answer, or a failure) completes it, and a cancelled wait only removes it.
// Cancelling a publish only stops the caller's wait: its entry stays in _unacknowledged, so the FIFO stays in step
// with the server's ACKs, and its completion is set by the ACK with nobody left to observe it.
// This file: construction, handshake, failure state and dispose.
public sealed partial class PipelineClient : IAsyncDisposable
{
    private readonly PipelineClientOptions _options;
    private readonly object _gate = new();
    private readonly Queue<PendingPublish> _unacknowledged = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<QueryResult>> _queries = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource> _pings = new();
    private readonly ConcurrentDictionary<ulong, PendingRead> _reads = new();
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
        if (options.ProtocolVersion is < FrameHeader.ProtocolVersion or > FrameHeader.MaxProtocolVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ProtocolVersion, $"ProtocolVersion must be from {FrameHeader.ProtocolVersion} to {FrameHeader.MaxProtocolVersion}.");
        }

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
            FrameWriter.WriteHello(hello, options.ProtocolVersion, options.ProducerId, options.ClientName);
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

    private void ThrowIfFailed()
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (_failure is not null)
        {
            throw new InvalidOperationException("The connection failed: " + _failure.Message, _failure);
        }
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
        FailSubscriptions(failure);
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

        foreach (ulong id in _reads.Keys)
        {
            if (_reads.TryRemove(id, out PendingRead? r))
            {
                r.Done.TrySetException(failure);
            }
        }

        foreach (ulong id in _pings.Keys)
        {
            if (_pings.TryRemove(id, out TaskCompletionSource? p))
            {
                p.TrySetException(failure);
            }
        }

        foreach (ulong id in _consumerRequests.Keys)
        {
            if (_consumerRequests.TryRemove(id, out TaskCompletionSource<CommitResult>? c))
            {
                c.TrySetException(failure);
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

    // A READ being answered: the receive task alone adds to Events, from its EVENTS frames, until the READ_END.
    private sealed class PendingRead
    {
        public TaskCompletionSource<ReadResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<StoredEvent> Events { get; } = [];
    }

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
}
