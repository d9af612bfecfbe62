using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>The TCP ingest port: accepts connections and runs each one until it ends or the server stops.</summary>
/// <remarks><see cref="Start"/> and <see cref="StopAsync"/> are for the host's thread; connections run on the thread pool.</remarks>
// Design: the accept loop (one async flow) is the only writer of _nextId and the only adder to _connections; each
// connection's run removes itself. _count is raised by the accept loop before it admits a connection (Interlocked,
// so the MaxConnections check and the increment are one step) and lowered by the connection's run when it ends, so
// ConnectionCount may be read by any thread. A run waits on `registered` before it starts, so it cannot end and
// remove itself before the accept loop has added it. _listener and _acceptLoop are written by Start and read by
// StopAsync, both on the host's thread. StopAsync cancels _stopReading first: the accept loop then refuses newcomers
// with SHUTTING_DOWN, and the snapshot of _connections it waits on can miss no connection admitted before.
public sealed class IngestListener : IAsyncDisposable
{
    private readonly IngestOptions _options;
    private readonly IIngestBackend _backend;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, (IngestConnection Connection, Task Run)> _connections = new();
    private readonly CancellationTokenSource _stopReading = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextId;
    private int _count;

    /// <summary>Creates the listener; it does not bind until <see cref="Start"/>.</summary>
    public IngestListener(IngestOptions options, IIngestBackend backend, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backend);
        options.Validate();
        _options = options;
        _backend = backend;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The bound port (meaningful after <see cref="Start"/>; useful with port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Open connections.</summary>
    public int ConnectionCount => Volatile.Read(ref _count);

    /// <summary>Binds and starts accepting.</summary>
    /// <exception cref="SocketException">The address or port cannot be bound (e.g. in use).</exception>
    public void Start()
    {
        var socket = new Socket(_options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(_options.Address, _options.Port));
            socket.Listen(1024);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listener = socket;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        Log.Listening(_logger, _options.Address, Port);
        _acceptLoop = AcceptLoopAsync(socket);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException || (ex is SocketException && _stopReading.IsCancellationRequested))
            {
                return; // StopAsync closed the listening socket
            }
            catch (SocketException ex)
            {
                Log.AcceptFailed(_logger, ex);
                continue;
            }

            client.NoDelay = true;
            if (Interlocked.Increment(ref _count) > _options.MaxConnections || _stopReading.IsCancellationRequested)
            {
                Interlocked.Decrement(ref _count);
                Log.TooManyConnections(_logger, client.RemoteEndPoint, _options.MaxConnections);
                _ = RefuseAsync(client, _stopReading.IsCancellationRequested ? ErrorCode.ShuttingDown : ErrorCode.TooManyConnections);
                continue;
            }

            long id = Interlocked.Increment(ref _nextId);
            var connection = new IngestConnection(id, client, _backend, _options, _logger);
            Log.ConnectionOpened(_logger, id, client.RemoteEndPoint);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task run = RunConnectionAsync(id, connection, started.Task);
            _connections[id] = (connection, run);
            started.SetResult();
        }
    }

    private async Task RunConnectionAsync(long id, IngestConnection connection, Task registered)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync(_stopReading.Token).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            Interlocked.Decrement(ref _count);
        }
    }

    private static async Task RefuseAsync(Socket client, ErrorCode code)
    {
        try
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
            FrameWriter.WriteError(buffer, code, code == ErrorCode.ShuttingDown ? "the server is shutting down" : "too many connections");
            await client.SendAsync(buffer.WrittenMemory, SocketFlags.None).ConfigureAwait(false);

            // Lingering close (see IngestConnection): drain what the client sends so the kernel does not answer with RST.
            client.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            byte[] sink = new byte[4096];
            while (await client.ReceiveAsync(sink, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client left first.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>
    /// Stops accepting, then ends every connection the graceful way: its PUBLISH frames are all acknowledged,
    /// then it gets SHUTTING_DOWN and is closed. Returns when all are closed or <paramref name="timeout"/> passed.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await _stopReading.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        var runs = new List<Task>();
        foreach ((IngestConnection _, Task run) in _connections.Values)
        {
            runs.Add(run);
        }

        await Task.WhenAny(Task.WhenAll(runs), Task.Delay(timeout)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(_options.CloseTimeout).ConfigureAwait(false);
        _stopReading.Dispose();
    }
}
