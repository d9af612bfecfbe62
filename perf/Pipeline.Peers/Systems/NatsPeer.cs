using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Pipeline.Peers.Systems;

/// <summary>
/// NATS JetStream as its users run it: a nats-server of its own (JetStream on, store in the run's folder) with one file
/// stream, R1, limits retention, whose subjects are <c>ledger.&lt;stream&gt;</c>; appends are JetStream publishes with
/// acknowledgement (NATS.Net's <see cref="NatsJSContext.PublishAsync{T}"/>, a batch's publishes all sent before
/// its acks are awaited), reads are consumers of the subject or of the whole stream, the subscription a consumer of new messages.
/// </summary>
/// <remarks>
/// <para>
/// Two variants. <c>nats</c> is JetStream as it ships: no <c>sync_interval</c> set, so the server writes each message
/// to its block file (the page cache) before it acks, and fsyncs on a 2-minute timer (the documented default; nats-server
/// 2.9.10, which has no such setting, does the same: under strace, one pwrite per message before its ack and the first
/// fsync two minutes after the stream's store opened). <c>nats-sync</c> is its most durable setting,
/// <c>sync_interval: always</c> (an fsync per write, before the ack), which arrived in nats-server 2.10.0: 2.9.10 refuses
/// the field ("unknown field"), so with an older server the variant says why in <see cref="Missing"/> and is skipped.
/// </para>
/// <para>
/// Design: the system is set up by one task (<see cref="StartAsync"/>) before any connection opens; each connection owns
/// its own <see cref="NatsConnection"/> (one socket), which NATS.Net makes safe for the overlapping appends the runner
/// starts. A subscription's messages are read by one loop, so its callback runs one call at a time.
/// </para>
/// </remarks>
internal sealed partial class NatsPeer(bool syncAlways) : IPeerSystem
{
    /// <summary>The stream's name; its subjects are <see cref="SubjectPrefix"/> followed by the event's stream.</summary>
    public const string StreamName = "LEDGER";

    public const string SubjectPrefix = "ledger.";

    /// <summary>The header carrying <see cref="PeerEvent.Type"/>, as JetStream applications carry an event's type.</summary>
    public const string TypeHeader = "Event-Type";

    /// <summary>The header carrying <see cref="PeerEvent.Timestamp"/> (decimal Stopwatch ticks) for the subscriber's timing.</summary>
    public const string TimestampHeader = "Sent-Timestamp";

    private const string InstallHint = "sudo apt-get install -y nats-server";

    // The first release with sync_interval (nats-server PR 4483, "Added ability to control sync intervals and sync always").
    private static readonly Version s_syncIntervalSince = new(2, 10, 0);

    private readonly Lazy<(string? Program, Version? Version)> _server = new(FindServer);
    private PeerProcess? _process;
    private NatsConnection? _admin;
    private string? _url;

    public string Name => syncAlways ? "nats-sync" : "nats";

    public string Settings =>
        $"nats-server {_server.Value.Version?.ToString() ?? "?"}, JetStream file stream R1, limits retention; " +
        (syncAlways
            ? "sync_interval: always (fsync of each write before its ack)"
            : "no sync_interval, as shipped (ack after the write to the page cache, fsync every 2 min)") +
        "; NATS.Net PublishAsync, a batch's acks awaited after all its publishes; type and timestamp in headers";

    public bool FsyncBeforeAck => syncAlways;

    // The runner's window (1,024) over its batch (64): each connection keeps that many publishes awaiting acks.
    public int MaxBatchesInFlight => 16;

    public string? Missing()
    {
        (string? program, Version? version) = _server.Value;
        return Missing(program, version, syncAlways);
    }

    public async Task StartAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(log);
        if (Missing() is { } missing)
        {
            throw new PeerUnavailableException(missing);
        }

        Directory.CreateDirectory(dataDirectory);
        int port = PeerProcess.FreePort();
        string config = Path.Combine(dataDirectory, "nats-server.conf");
        await File.WriteAllTextAsync(config, ServerConfig(port, dataDirectory, syncAlways), cancellationToken).ConfigureAwait(false);
        log.WriteLine($"{Name}: {Settings}");
        _process = PeerProcess.Start(_server.Value.Program!, ["--config", config], dataDirectory, log);
        await _process.WaitForPortAsync(port, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

        _url = $"nats://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        _admin = await OpenAsync(_url, "peers-admin", cancellationToken).ConfigureAwait(false);
        var js = new NatsJSContext(_admin);
        StreamInfo info = (await js.CreateStreamAsync(
            new StreamConfig(StreamName, [SubjectPrefix + ">"])
            {
                Storage = StreamConfigStorage.File,
                NumReplicas = 1,
                Retention = StreamConfigRetention.Limits,
            },
            cancellationToken).ConfigureAwait(false)).Info;
        log.WriteLine($"{Name}: stream {info.Config.Name} created ({info.Config.Storage}, R{info.Config.NumReplicas}, {info.Config.Retention})");
    }

    public async Task<IPeerConnection> ConnectAsync(int index, CancellationToken cancellationToken)
    {
        string url = _url ?? throw new InvalidOperationException("StartAsync first");
        NatsConnection connection = await OpenAsync(url, "peers-" + index.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return new Connection(connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
            _admin = null;
        }

        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }
    }

    /// <summary>Why a server at <paramref name="program"/> of <paramref name="version"/> cannot run the variant, or null when it can.</summary>
    public static string? Missing(string? program, Version? version, bool syncAlways)
    {
        if (program is null)
        {
            return $"nats-server is not installed (Debian package nats-server: {InstallHint})";
        }

        if (syncAlways && (version is null || version < s_syncIntervalSince))
        {
            return $"nats-server {version?.ToString() ?? "(version unknown)"} at {program} has no per-acknowledgement fsync setting " +
                $"(JetStream's sync_interval: always arrived in nats-server {s_syncIntervalSince}; Debian bookworm ships 2.9.10), " +
                "so the durable variant is skipped rather than run with a setting the server does not have";
        }

        return null;
    }

    /// <summary>The headers an event is published with: its type, and its send timestamp for the subscriber's timing.</summary>
    public static NatsHeaders HeadersOf(in PeerEvent e) => new()
    {
        [TypeHeader] = e.Type,
        [TimestampHeader] = e.Timestamp.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The subject of an event stream: <c>account-acc-12</c> is <c>ledger.account-acc-12</c>.</summary>
    /// <exception cref="ArgumentException">
    /// The stream is empty or has a character NATS does not allow in one subject token: whitespace, the token separator
    /// <c>.</c> or the wildcards <c>*</c> and <c>&gt;</c> (a stream name must map to exactly one token, so that
    /// <c>ledger.&gt;</c> and a filter on one stream see the same events).
    /// </exception>
    public static string SubjectOf(string stream)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        foreach (char c in stream)
        {
            if (c is '.' or '*' or '>' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new ArgumentException($"stream '{stream}' cannot be one NATS subject token: it has '{c}' (no whitespace, '.', '*' or '>')", nameof(stream));
            }
        }

        return SubjectPrefix + stream;
    }

    /// <summary>The timestamp header of a received message; false when it is missing or not a decimal long.</summary>
    public static bool TryParseTimestamp(NatsHeaders? headers, out long timestamp)
    {
        timestamp = 0;
        return headers is not null
            && headers.TryGetLastValue(TimestampHeader, out string? value)
            && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out timestamp);
    }

    /// <summary>The version in <c>nats-server --version</c>'s line (<c>nats-server: v2.9.10</c>), or null.</summary>
    public static Version? ParseVersion(string? output)
    {
        Match match = output is null ? Match.Empty : VersionPattern().Match(output);
        return match.Success
            ? new Version(
                int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture),
                int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture),
                int.Parse(match.Groups[3].ValueSpan, CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>The server's configuration file: loopback only, JetStream with its store in the run's folder.</summary>
    public static string ServerConfig(int port, string storeDirectory, bool syncAlways)
    {
        ArgumentNullException.ThrowIfNull(storeDirectory);
        if (storeDirectory.Contains('"', StringComparison.Ordinal) || storeDirectory.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"the store folder '{storeDirectory}' has a quote or backslash, which the configuration string would need escaped", nameof(storeDirectory));
        }

        var config = new StringBuilder();
        config.Append(CultureInfo.InvariantCulture, $"listen: 127.0.0.1:{port}\n");
        config.Append("jetstream {\n");
        config.Append(CultureInfo.InvariantCulture, $"  store_dir: \"{storeDirectory}\"\n");
        if (syncAlways)
        {
            // JetStream's most durable setting: fsync every write before the ack (nats-server 2.10+).
            config.Append("  sync_interval: always\n");
        }

        config.Append("}\n");
        return config.ToString();
    }

    [GeneratedRegex(@"v(\d+)\.(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();

    private static (string? Program, Version? Version) FindServer()
    {
        // Debian installs it in /usr/sbin, which is not on every user's PATH.
        string? program = PeerProcess.Find("nats-server", "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server");
        if (program is null)
        {
            return (null, null);
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null)
            {
                return (program, null);
            }

            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (program, ParseVersion(output) ?? ParseVersion(error.GetAwaiter().GetResult()));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (program, null);
        }
    }

    private static async Task<NatsConnection> OpenAsync(string url, string name, CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(new NatsOpts { Url = url, Name = name });
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Connection(NatsConnection connection) : IPeerConnection
    {
        // A reader's consumer lives only as long as its read; the server drops one whose reader died after this.
        private static readonly TimeSpan s_readerInactivity = TimeSpan.FromSeconds(30);

        private readonly NatsJSContext _js = new(connection);

        public async Task AppendAsync(ReadOnlyMemory<PeerEvent> events, CancellationToken cancellationToken)
        {
            // NATS's async publishing: every publish of the batch goes out before the first ack is awaited, so the batch
            // costs about one round trip, not one per event (the pattern NATS.Net's maintainers give for JetStream
            // throughput). PublishAsync rather than PublishConcurrentAsync: it takes the client's default direct
            // request-reply path, which on this 2-core machine kept up with 10k single-event appends a second where the other
            // fell behind by hundreds of milliseconds, and was no slower in batches. AsTask costs nothing: an async
            // ValueTask that has not completed already wraps a Task.
            var acks = new Task<PubAckResponse>[events.Length];
            for (int i = 0; i < acks.Length; i++)
            {
                PeerEvent e = events.Span[i];
                acks[i] = _js.PublishAsync(SubjectOf(e.Stream), e.Data, headers: HeadersOf(e), cancellationToken: cancellationToken).AsTask();
            }

            // Every ack is awaited even after a failure; the first failure is the one reported.
            Exception? failure = null;
            foreach (Task<PubAckResponse> ack in acks)
            {
                try
                {
                    (await ack.ConfigureAwait(false)).EnsureSuccess();
                }
                catch (Exception ex)
                {
                    failure ??= ex;
                }
            }

            if (failure is not null)
            {
                throw new InvalidOperationException($"a JetStream publish was not acknowledged: {failure.Message}", failure);
            }
        }

        public Task<long> ReadStreamAsync(string stream, CancellationToken cancellationToken) =>
            CountAsync(SubjectOf(stream), cancellationToken);

        public Task<long> ReadAllAsync(CancellationToken cancellationToken) =>
            CountAsync(SubjectPrefix + ">", cancellationToken);

        public async Task<IAsyncDisposable> SubscribeAsync(Action<long> onEvent, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(onEvent);

            // The consumer's start (the stream's last sequence + 1) is fixed when the server creates it, so once this
            // returns, every later publish is delivered, whenever the pulls begin.
            INatsJSConsumer consumer = await _js.CreateOrUpdateConsumerAsync(StreamName, ReaderConfig(SubjectPrefix + ">", ConsumerConfigDeliverPolicy.New), cancellationToken).ConfigureAwait(false);
            return new Subscription(_js, consumer, onEvent);
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();

        // A read as NATS.Net's ordered consumer does it (an ephemeral consumer, no acks, its state in memory, deleted
        // after), but created here: the ordered consumer sends its filter as filter_subjects, a 2.10 field that a 2.9
        // server ignores, so it would read the whole stream. A single filter_subject works on both.
        private async Task<long> CountAsync(string filter, CancellationToken cancellationToken)
        {
            INatsJSConsumer consumer = await _js.CreateOrUpdateConsumerAsync(StreamName, ReaderConfig(filter, ConsumerConfigDeliverPolicy.All), cancellationToken).ConfigureAwait(false);
            try
            {
                // What the consumer will deliver was counted by the server when it created it: nothing to wait for.
                if (consumer.Info.NumPending == 0)
                {
                    return 0;
                }

                long count = 0;
                await foreach (INatsJSMsg<ReadOnlyMemory<byte>> msg in consumer.ConsumeAsync<ReadOnlyMemory<byte>>(cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    count++;

                    // The message's metadata says how many matching messages follow it in the stream: none means this
                    // was the last one stored when it was delivered.
                    if (msg.Metadata is { NumPending: 0 })
                    {
                        break;
                    }
                }

                return count;
            }
            finally
            {
                await _js.DeleteConsumerAsync(StreamName, consumer.Info.Name, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private static ConsumerConfig ReaderConfig(string filter, ConsumerConfigDeliverPolicy deliver) => new()
        {
            // A name makes NATS.Net use the create API that carries the filter in its subject (2.9+), for an ephemeral
            // consumer (no durable name).
            Name = "reader-" + Guid.NewGuid().ToString("N"),
            FilterSubject = filter,
            DeliverPolicy = deliver,
            AckPolicy = ConsumerConfigAckPolicy.None,
            MemStorage = true,
            NumReplicas = 1,
            InactiveThreshold = s_readerInactivity,
        };
    }

    private sealed class Subscription : IAsyncDisposable
    {
        private readonly NatsJSContext _js;
        private readonly INatsJSConsumer _consumer;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Subscription(NatsJSContext js, INatsJSConsumer consumer, Action<long> onEvent)
        {
            _js = js;
            _consumer = consumer;
            _loop = Task.Run(() => ReadAsync(onEvent, _stop.Token));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _loop.ConfigureAwait(false);
            }
            finally
            {
                _stop.Dispose();
                await _js.DeleteConsumerAsync(StreamName, _consumer.Info.Name, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private async Task ReadAsync(Action<long> onEvent, CancellationToken stop)
        {
            try
            {
                await foreach (INatsJSMsg<ReadOnlyMemory<byte>> msg in _consumer.ConsumeAsync<ReadOnlyMemory<byte>>(cancellationToken: stop).ConfigureAwait(false))
                {
                    onEvent(TryParseTimestamp(msg.Headers, out long sent) ? sent : 0);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Disposed: the subscription ends.
            }
        }
    }
}
