using System;
using System.ComponentModel.DataAnnotations;
using Pipeline.Journal;

namespace Pipeline.Hosting.Configuration;

/// <summary>The service's configuration, section <c>Pipeline</c> (docs/configuration.md lists every key).</summary>
internal sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Pipeline:DataDirectory: journal and snapshots live here; created if missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";

    public IngestSettings Ingest { get; set; } = new();

    public EngineSettings Engine { get; set; } = new();

    public JournalSettings Journal { get; set; } = new();

    public SnapshotSettings Snapshots { get; set; } = new();

    public EventStoreSettings EventStore { get; set; } = new();

    public ConsumerSettings Consumers { get; set; } = new();

    public StreamSettings Streams { get; set; } = new();

    public SchemaSettings Schemas { get; set; } = new();
}

internal sealed class IngestSettings
{
    /// <summary>Pipeline:Ingest:Address.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Pipeline:Ingest:Port (0 = any free port, logged at start).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 7400;

    /// <summary>Pipeline:Ingest:MaxFrameLength, bytes of kind + body.</summary>
    [Range(64, 64 * 1024 * 1024)]
    public int MaxFrameLength { get; set; } = 1024 * 1024;

    /// <summary>Pipeline:Ingest:MaxConnections.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 4096;

    /// <summary>Pipeline:Ingest:MaxInFlightPerConnection: unacknowledged PUBLISH frames before a connection stops reading.</summary>
    [Range(1, 1_000_000)]
    public int MaxInFlightPerConnection { get; set; } = 8192;

    /// <summary>Pipeline:Ingest:QueryTimeout: how long a QUERY waits for min_sequence.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

internal enum WaitStrategyKind
{
    Blocking,
    Sleeping,
    Yielding,
    BusySpin,
    Phased,
}

internal sealed class EventStoreSettings
{
    /// <summary>Pipeline:EventStore:Enabled: store every accepted command's events in the event log (data/events).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Pipeline:EventStore:SegmentSizeBytes: the size at which the event log starts a new segment file.</summary>
    [Range(1L << 16, 1L << 40)]
    public long SegmentSizeBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Pipeline:EventStore:MaxPayloadBytes: the largest stored event payload.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;
}

internal sealed class StreamSettings
{
    /// <summary>Pipeline:Streams:Enabled: run the application's stream-processing flows (the ledger's windows).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Pipeline:Streams:TickInterval: while no command has been journaled for this long and a window waits to close,
    /// the journaling producer writes a tick record with the journal time (docs/streams.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);
}

internal sealed class SchemaSettings
{
    /// <summary>
    /// Pipeline:Schemas:Validation: how command payloads are checked against their declared version's JSON Schema, for
    /// an application that publishes them (<see cref="Application.ICommandSchemas"/>; docs/schemas.md).
    /// </summary>
    public PayloadValidation Validation { get; set; } = PayloadValidation.All;
}

internal sealed class ConsumerSettings
{
    /// <summary>Pipeline:Consumers:MaxSubscriptionsPerConnection: a SUBSCRIBE beyond this many open on its connection is SUB_END TOO_MANY.</summary>
    [Range(1, 1_000_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 128;

    /// <summary>Pipeline:Consumers:MaxSubscriptions: a SUBSCRIBE beyond this many open on the server is SUB_END TOO_MANY.</summary>
    [Range(1, 1_000_000)]
    public int MaxSubscriptions { get; set; } = 1024;

    /// <summary>Pipeline:Consumers:HeartbeatInterval: a subscription that sent nothing for this long sends a HEARTBEAT.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);
}

internal sealed class EngineSettings
{
    /// <summary>Pipeline:Engine:RingSize, a power of two.</summary>
    [Range(16, 1 << 24)]
    public int RingSize { get; set; } = 16384;

    /// <summary>Pipeline:Engine:DecodeHandlers: stateless decoders that split the stream.</summary>
    [Range(1, 64)]
    public int DecodeHandlers { get; set; } = 2;

    /// <summary>Pipeline:Engine:WaitStrategy: Blocking (default, idle costs no CPU), Sleeping, Yielding, BusySpin, Phased.</summary>
    public WaitStrategyKind WaitStrategy { get; set; } = WaitStrategyKind.Blocking;
}

internal sealed class JournalSettings
{
    /// <summary>Pipeline:Journal:Durability: Batch (group commit), Interval, None (unsafe; benchmarks).</summary>
    public DurabilityPolicy Durability { get; set; } = DurabilityPolicy.Batch;

    /// <summary>Pipeline:Journal:FlushInterval, for Interval durability.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Pipeline:Journal:SlowCommitWarning: a group commit this long or longer is logged as a warning (at most once a second).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan SlowCommitWarning { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Pipeline:Journal:SegmentSizeBytes.</summary>
    [Range(1L << 20, 1L << 40)]
    public long SegmentSizeBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Pipeline:Journal:Preallocate: zero-fill each segment before use, so group commits change no file metadata.</summary>
    public bool Preallocate { get; set; }

    /// <summary>Pipeline:Journal:MaxPayloadBytes: larger payloads are INVALID.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Pipeline:Journal:Retention: KeepAll, Delete or Archive segments older than the oldest kept snapshot.</summary>
    public RetentionPolicy Retention { get; set; } = RetentionPolicy.KeepAll;

    /// <summary>Pipeline:Journal:ArchiveDirectory, for Archive retention (default: DataDirectory/archive).</summary>
    public string? ArchiveDirectory { get; set; }
}

internal sealed class SnapshotSettings
{
    /// <summary>Pipeline:Snapshots:IntervalEvents: a snapshot every this many journaled events (0 = only at shutdown).</summary>
    [Range(0, long.MaxValue)]
    public long IntervalEvents { get; set; } = 1_000_000;

    /// <summary>Pipeline:Snapshots:Keep: how many snapshots to keep.</summary>
    [Range(1, 1000)]
    public int Keep { get; set; } = 3;
}
