using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace Pipeline.Peers.Systems;

/// <summary>
/// Redis Streams as an event store: one stream key per account (<c>XADD account-acc-12 * type .. data .. t ..</c>), the
/// server made as durable as Redis gets (AOF with <c>appendfsync always</c>), driven through StackExchange.Redis the
/// way its users drive it (one multiplexer per connection, commands pipelined).
/// </summary>
/// <remarks>
/// Redis has no log across keys, so two parts of the contract are emulated the way a Redis application would: reading
/// the whole store is a SCAN of the stream keys then an XRANGE of each (not in one global order), and a live
/// subscription follows one extra feed stream (<see cref="FeedKey"/>) that appends also write to while a subscriber
/// is open (a second XADD per event, in the subscribe workload only).
/// </remarks>
internal sealed class RedisPeer : IPeerSystem
{
    /// <summary>The stream every event is also added to while a subscription is open (XREAD follows keys, not a store).</summary>
    public const string FeedKey = "all";

    /// <summary>The pattern of the accounts' stream keys (<see cref="PeerEvent.Stream"/>); the feed does not match it.</summary>
    public const string StreamPattern = "account-*";

    private const string ServerProgram = "redis-server";
    private const string MissingMessage = "redis-server is not installed: sudo apt-get install -y redis-server";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    // Design: _feedSubscribers is written by subscriptions (Interlocked, on open and dispose) and read by every append
    // (Volatile) to decide whether its events also go to the feed. A stale read only concerns an append that raced
    // with the subscription's start or end: events sent before a subscription is established are not owed to it.
    // Everything else is written once by StartAsync, before any connection exists.
    private int _feedSubscribers;
    private PeerProcess? _server;
    private ConnectionMultiplexer? _admin;
    private TextWriter _log = TextWriter.Null;
    private int _port;
    private string _version = "redis-server";

    public string Name => "redis";

    public string Settings =>
        $"{_version}: appendonly yes, appendfsync always (write + fsync once per event-loop pass, before the replies), "
        + "save \"\" (no RDB snapshots), aof-use-rdb-preamble yes, no-appendfsync-on-rewrite no, "
        + "auto-aof-rewrite-percentage 100 / min-size 64mb, maxmemory-policy noeviction, io-threads 1; "
        + $"StackExchange.Redis, a multiplexer per connection, XADDs pipelined, {MaxBatchesInFlight} batches in flight; "
        + $"subscribe: a second XADD per event to '{FeedKey}', read by XREAD BLOCK {RedisFeedSubscription.BlockMilliseconds} ms on its own connection";

    public bool FsyncBeforeAck => true;

    public int MaxBatchesInFlight => 16;

    /// <summary>Whether appends must also add their events to <see cref="FeedKey"/>.</summary>
    internal bool HasFeedSubscribers => Volatile.Read(ref _feedSubscribers) > 0;

    public string? Missing() => FindServer() is null ? MissingMessage : null;

    public async Task StartAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        string program = FindServer() ?? throw new PeerUnavailableException(MissingMessage);
        _log = log;
        string data = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(data);
        _port = PeerProcess.FreePort();
        string config = Path.Combine(data, "redis.conf");
        await File.WriteAllTextAsync(config, Configuration(_port, data), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        _server = PeerProcess.Start(program, [config], data, log);
        await _server.WaitForPortAsync(_port, s_startTimeout, cancellationToken).ConfigureAwait(false);

        // Read back what the server runs with: a typo in the file or a changed default would otherwise measure a
        // different durability class without anyone noticing.
        _admin = await ConnectMultiplexerAsync("pipeline-peers-admin", allowAdmin: true, cancellationToken).ConfigureAwait(false);
        IServer server = _admin.GetServer(_admin.GetEndPoints()[0]);
        _version = "redis " + server.Version.ToString();
        string fsync = string.Empty;
        foreach (string name in (string[])["appendonly", "appendfsync", "save", "no-appendfsync-on-rewrite"])
        {
            string value = (await server.ConfigGetAsync(name).ConfigureAwait(false)).FirstOrDefault().Value ?? string.Empty;
            log.WriteLine($"redis config {name} = \"{value}\"");
            fsync = name == "appendfsync" ? value : fsync;
        }

        if (fsync != "always")
        {
            throw new InvalidOperationException($"redis-server runs with appendfsync '{fsync}', not 'always' (see {config})");
        }
    }

    public async Task<IPeerConnection> ConnectAsync(int index, CancellationToken cancellationToken)
    {
        ConnectionMultiplexer multiplexer = await ConnectMultiplexerAsync(
            "pipeline-peers-" + index.ToString(CultureInfo.InvariantCulture), allowAdmin: false, cancellationToken).ConfigureAwait(false);
        return new RedisPeerConnection(this, multiplexer);
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            try
            {
                // Whether an AOF rewrite (a fork) ran during the run, for whoever reads the numbers.
                IServer server = _admin.GetServer(_admin.GetEndPoints()[0]);
                _log.WriteLine(await server.InfoRawAsync("persistence").ConfigureAwait(false));
            }
            catch (RedisException ex)
            {
                _log.WriteLine($"redis INFO persistence failed: {ex.Message}");
            }

            await _admin.DisposeAsync().ConfigureAwait(false);
            _admin = null;
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
            _server = null;
        }
    }

    /// <summary>
    /// The server's configuration file: the settings that decide durability and latency, each as the Redis documentation
    /// recommends for data that must not be lost (the report's settings paragraph gives the reasons).
    /// </summary>
    internal static string Configuration(int port, string dataDirectory)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');

        Line("bind 127.0.0.1");
        Line("port " + port.ToString(CultureInfo.InvariantCulture));
        Line("daemonize no");
        Line("logfile \"\"");
        Line("dir " + Quote(dataDirectory));

        // The AOF is the durable log: every write is appended, and with "always" the server writes and fsyncs it once
        // per event-loop pass, before it sends that pass's replies (group commit across clients and pipelines).
        Line("appendonly yes");
        Line("appendfsync always");

        // RDB snapshots add no durability to an acknowledged write here (on restart Redis loads the AOF, not the RDB);
        // their place is a backup schedule, and a BGSAVE fork landing inside a short measured window would charge
        // the appends for a backup.
        Line("save \"\"");

        // The AOF's rewritten base is an RDB image: smaller, faster to rewrite and to load (the 7.0 default, stated).
        Line("aof-use-rdb-preamble yes");

        // "yes" would stop fsyncing while a rewrite runs, i.e. acknowledge writes not on disk; the docs' safe choice.
        Line("no-appendfsync-on-rewrite no");

        // Automatic rewrites stay on, as in production: an AOF that grows without bound is not a real configuration.
        Line("auto-aof-rewrite-percentage 100");
        Line("auto-aof-rewrite-min-size 64mb");
        Line("aof-rewrite-incremental-fsync yes");

        // An event store must refuse writes rather than evict events when memory runs out.
        Line("maxmemory-policy noeviction");

        // redis.conf suggests threaded I/O only from 4 cores with one left spare; on 2 it would compete with the main thread.
        Line("io-threads 1");
        return text.ToString();
    }

    internal async Task<ConnectionMultiplexer> ConnectMultiplexerAsync(string clientName, bool allowAdmin, CancellationToken cancellationToken)
    {
        var options = new ConfigurationOptions
        {
            ClientName = clientName,
            AllowAdmin = allowAdmin,
            AbortOnConnectFail = true,
        };
        options.EndPoints.Add(IPAddress.Loopback, _port);
        return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal void AddFeedSubscriber() => Interlocked.Increment(ref _feedSubscribers);

    internal void RemoveFeedSubscriber() => Interlocked.Decrement(ref _feedSubscribers);

    internal void Log(string line) => _log.WriteLine(line);

    private static string? FindServer() => PeerProcess.Find(ServerProgram, "/usr/bin/redis-server", "/usr/local/bin/redis-server");

    // redis.conf strings: double quotes, with backslash escapes for the quote and the backslash.
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
