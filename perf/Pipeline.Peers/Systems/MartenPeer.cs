using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;
using Pipeline.Testing;

namespace Pipeline.Peers.Systems;

/// <summary>
/// Marten's event store on its own PostgreSQL server: a stream per account with string ids, each append checked
/// against the stream's expected version (optimistic concurrency), one session and transaction per command
/// (<c>marten</c>) or per batch of up to <see cref="MartenPeer(int)"/>'s commands (<c>marten-batch</c>), and a live
/// subscriber run by Marten's async daemon.
/// </summary>
/// <remarks>
/// The server runs PostgreSQL's durable defaults (fsync, synchronous commit, full-page writes) with the memory and
/// checkpoint settings its documentation recommends for a write-heavy server (<see cref="ServerSettings"/>). Marten
/// appends in its Quick mode, which its documentation recommends for throughput; the expected-version check still
/// holds in that mode (the append function compares the stream's version before inserting and raises a version
/// conflict otherwise).
/// </remarks>
internal sealed class MartenPeer : IPeerSystem
{
    /// <summary>Events per page when reading the whole store, as the daemon catches up (Marten's docs suggest 5,000 for small events).</summary>
    public const int ReadAllPageSize = 5000;

    /// <summary>
    /// How often the async daemon looks for new events. Marten's defaults (250 ms busy, 1 s idle) suit background
    /// projections; a live subscriber polls far more often (each poll is one short query and a heartbeat update).
    /// </summary>
    public static readonly TimeSpan DaemonPollingInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The server settings on top of PostgreSQL's defaults, for 24 GiB of RAM and a write-heavy load (see docs/perf.md for
    /// the reason of each). The durability settings are the defaults, stated so that the server log and the report show them.
    /// </summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> ServerSettings =
    [
        KeyValuePair.Create("fsync", "on"),
        KeyValuePair.Create("synchronous_commit", "on"),
        KeyValuePair.Create("full_page_writes", "on"),
        KeyValuePair.Create("shared_buffers", "6GB"),
        KeyValuePair.Create("wal_buffers", "16MB"),
        KeyValuePair.Create("max_wal_size", "16GB"),
        KeyValuePair.Create("checkpoint_timeout", "30min"),
        KeyValuePair.Create("effective_cache_size", "18GB"),
        KeyValuePair.Create("random_page_cost", "1.1"),
        KeyValuePair.Create("log_checkpoints", "on"),
    ];

    // Pool connections open on demand, so the pool holds as many as are used at once: one per driver connection (each
    // runs one session at a time) and the daemon's few. The cap stays under the server's max_connections (100).
    private const int MaxPoolSize = 64;

    // Npgsql prepares a statement after its fifth use (Marten's append function call, its stream and page queries, the
    // daemon's few): a handful per connection.
    private const int MaxAutoPrepare = 32;

    private readonly int _commandsPerSession;
    private readonly MartenPeerSubscription _subscription = new();
    private TextWriter _log = TextWriter.Null;
    private PostgresServer? _server;
    private NpgsqlDataSource? _dataSource;
    private DocumentStore? _store;

    public MartenPeer(int commandsPerSession)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(commandsPerSession);
        _commandsPerSession = commandsPerSession;
    }

    public string Name => _commandsPerSession == 1 ? "marten" : "marten-batch";

    public string Settings =>
        "PostgreSQL fsync on, synchronous_commit on, full_page_writes on, shared_buffers 6GB, wal_buffers 16MB, max_wal_size 16GB, " +
        "checkpoint_timeout 30min, effective_cache_size 18GB, random_page_cost 1.1; " +
        $"Marten Quick append mode, string stream ids, expected version per stream, {(_commandsPerSession == 1 ? "one command" : $"up to {_commandsPerSession} commands")} per session; " +
        "Npgsql pool, Max Auto Prepare 32, No Reset On Close; " +
        $"subscriber: async daemon subscription polling every {DaemonPollingInterval.TotalMilliseconds:0} ms (no LISTEN/NOTIFY)";

    public bool FsyncBeforeAck => true;

    public int MaxBatchesInFlight => 1;

    public string? Missing() => PostgresServer.FindInstallation() is null
        ? "PostgreSQL is not installed (no initdb on PATH or under /usr/lib/postgresql/*/bin): install it with sudo apt-get install -y postgresql"
        : null;

    public async Task StartAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(log);
        if (Missing() is { } missing)
        {
            throw new PeerUnavailableException(missing);
        }

        _log = log;
        Directory.CreateDirectory(dataDirectory);

        // As root the server runs as the postgres user; a run folder it cannot reach (under a private home) moves the
        // cluster to a temp folder, deleted when the server stops.
        string? folder = dataDirectory;
        if (Environment.UserName == "root" && PostgresServer.UnreachableParent(dataDirectory) is { } blocked)
        {
            log.WriteLine($"the postgres user cannot pass through {blocked}: the cluster goes to a temp folder instead of {dataDirectory}");
            folder = null;
        }

        var options = new PostgresServerOptions { Folder = folder, Settings = ServerSettings, InstallWhenMissing = false };
        _server = await Task.Run(() => PostgresServer.TryStart(options, out _), cancellationToken).ConfigureAwait(false)
            ?? throw new PeerUnavailableException(Missing() ?? "PostgreSQL is not installed");
        log.WriteLine($"PostgreSQL serves on 127.0.0.1:{_server.Port}, data in {_server.DataFolder}, log in {_server.LogPath}");

        var connection = new NpgsqlConnectionStringBuilder(_server.ConnectionString)
        {
            Pooling = true,
            MaxPoolSize = MaxPoolSize,
            MaxAutoPrepare = MaxAutoPrepare,

            // A session leaves no state on its connection (one READ COMMITTED transaction, no SET, temp table or lock),
            // so the reset on return buys nothing, and its DISCARD ALL makes the server re-plan what it had cached, the
            // statements inside Marten's append function included. Measured here (closed loop, 8 connections): about
            // 1,300 appends/s with the defaults, about 1,900 without the reset and with prepared statements.
            NoResetOnClose = true,
            ApplicationName = "pipeline-peers-marten",
        };
        _dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        _store = DocumentStore.For(opts =>
        {
            opts.Connection(_dataSource);

            // Schema changes are applied once below, as a deployment would, not checked by each session.
            opts.AutoCreateSchemaObjects = AutoCreate.None;
            opts.Events.StreamIdentity = StreamIdentity.AsString;
            opts.Events.AppendMode = EventAppendMode.Quick;
            opts.Events.AddEventTypes(LedgerEventMapper.EventTypes);
            opts.Events.Subscribe(_subscription);

            // Not UseListenNotifyForEventAppends: a transaction that sends NOTIFY holds a database-wide lock through its
            // commit, which serializes the appenders' commits (and their WAL flushes) behind one another.

            // The daemon is built and started by SubscribeAsync, on this node only.
            opts.Projections.AsyncMode = DaemonMode.Solo;
            opts.Projections.FastPollingTime = DaemonPollingInterval;
            opts.Projections.SlowPollingTime = DaemonPollingInterval;
        });
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IPeerConnection> ConnectAsync(int index, CancellationToken cancellationToken)
    {
        DocumentStore store = _store ?? throw new InvalidOperationException("StartAsync first");

        // Opens (and returns to the pool) a physical connection, so that a server that stopped serving fails here.
        await using (NpgsqlConnection probe = await _dataSource!.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return new Connection(this, store);
    }

    public async ValueTask DisposeAsync()
    {
        _store?.Dispose();
        _store = null;
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
            _dataSource = null;
        }

        if (_server is { } server)
        {
            _server = null;
            await Task.Run(server.Dispose).ConfigureAwait(false);
            CopyServerLog(server.LogPath);
        }
    }

    // The run's log keeps the server's own lines (start, checkpoints, errors, stop) next to the driver's.
    private void CopyServerLog(string path)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                _log.WriteLine("[postgres] " + line);
            }
        }
        catch (IOException ex)
        {
            _log.WriteLine($"the server log {path} could not be read: {ex.Message}");
        }
    }

    /// <summary>
    /// The typed events of one session, grouped by stream in order of first appearance, each stream's in their order:
    /// one Append per stream, because Marten keeps one expected version per stream and session.
    /// </summary>
    internal static List<(string Stream, List<object> Events)> GroupByStream(ReadOnlySpan<PeerEvent> events)
    {
        var streams = new List<(string Stream, List<object> Events)>(events.Length);
        foreach (PeerEvent e in events)
        {
            List<object>? same = null;
            foreach ((string stream, List<object> appended) in streams)
            {
                if (stream == e.Stream)
                {
                    same = appended;
                    break;
                }
            }

            if (same is null)
            {
                streams.Add((e.Stream, [LedgerEventMapper.ToEvent(e)]));
            }
            else
            {
                same.Add(LedgerEventMapper.ToEvent(e));
            }
        }

        return streams;
    }

    private sealed class Connection(MartenPeer peer, DocumentStore store) : IPeerConnection
    {
        // Each stream is written by this connection only (the runner's rule), so its version here is the stream's
        // version on the server; it advances only when a transaction commits.
        private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

        public async Task AppendAsync(ReadOnlyMemory<PeerEvent> events, CancellationToken cancellationToken)
        {
            for (int start = 0; start < events.Length; start += peer._commandsPerSession)
            {
                int count = Math.Min(peer._commandsPerSession, events.Length - start);
                await AppendInSessionAsync(events.Slice(start, count), cancellationToken).ConfigureAwait(false);
            }
        }

        // One session, one transaction: each stream's events in one Append with the version the stream will have after
        // them (Marten's expected-version convention), which fails the whole transaction if the stream moved meanwhile.
        private async Task AppendInSessionAsync(ReadOnlyMemory<PeerEvent> events, CancellationToken cancellationToken)
        {
            List<(string Stream, List<object> Events)> streams = GroupByStream(events.Span);
            await using (IDocumentSession session = store.LightweightSession())
            {
                foreach ((string stream, List<object> appended) in streams)
                {
                    session.Events.Append(stream, _versions.GetValueOrDefault(stream) + appended.Count, appended);
                }

                await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach ((string stream, List<object> appended) in streams)
            {
                _versions[stream] = _versions.GetValueOrDefault(stream) + appended.Count;
            }
        }

        public async Task<long> ReadStreamAsync(string stream, CancellationToken cancellationToken)
        {
            await using IQuerySession session = store.QuerySession();
            IReadOnlyList<IEvent> events = await session.Events.FetchStreamAsync(stream, token: cancellationToken).ConfigureAwait(false);
            return events.Count;
        }

        // As the daemon catches up: pages of events in sequence order, each starting after the last one read; the
        // events are read in full (deserialized), as a reader that does anything with them would.
        public async Task<long> ReadAllAsync(CancellationToken cancellationToken)
        {
            await using IQuerySession session = store.QuerySession();
            long count = 0;
            long after = 0;
            while (true)
            {
                IReadOnlyList<IEvent> page = await session.Events.QueryAllRawEvents()
                    .Where(e => e.Sequence > after)
                    .OrderBy(e => e.Sequence)
                    .Take(ReadAllPageSize)
                    .ToListAsync(cancellationToken)
                    .ConfigureAwait(false);
                foreach (IEvent e in page)
                {
                    // Not the tombstones Marten writes in place of a failed transaction's sequence numbers.
                    if (e.Data is ILedgerEvent)
                    {
                        count++;
                    }
                }

                if (page.Count < ReadAllPageSize)
                {
                    return count;
                }

                after = page[^1].Sequence;
            }
        }

        public async Task<IAsyncDisposable> SubscribeAsync(Action<long> onEvent, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(onEvent);
            if (!peer._subscription.TryAttach(onEvent))
            {
                throw new InvalidOperationException("the Marten driver runs one subscriber at a time");
            }

            IProjectionDaemon? daemon = null;
            try
            {
                daemon = await store.BuildProjectionDaemonAsync(logger: new RunLogLogger(peer._log, "marten daemon")).ConfigureAwait(false);
                await daemon.StartAllAsync().ConfigureAwait(false);
                return new Subscription(daemon, peer._subscription);
            }
            catch
            {
                daemon?.Dispose();
                peer._subscription.Detach();
                throw;
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Subscription(IProjectionDaemon daemon, MartenPeerSubscription subscription) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await daemon.StopAllAsync().ConfigureAwait(false);
            }
            finally
            {
                daemon.Dispose();
                subscription.Detach();
            }
        }
    }
}
