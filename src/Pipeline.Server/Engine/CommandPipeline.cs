using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Pipeline.Core;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Core.Waiting;
using Pipeline.Ingest;
using Pipeline.Journal;
using Pipeline.Journal.Replay;
using Pipeline.Journal.Snapshots;
using Pipeline.Ledger;
using Pipeline.Protocol;
using Pipeline.Server.Configuration;

namespace Pipeline.Server.Engine;

/// <summary>
/// The command pipeline of the service: journal and decoders, then the ledger, then acknowledgements and the read
/// model, over one multi-producer ring fed by the connections. Recovers at start (snapshot + journal tail replayed
/// through the same stages) and shuts down cleanly (drain, fsync, final snapshot).
/// </summary>
/// <remarks>
/// <code>
///   connections ──► ring ──► journal (single writer, group commit) ──┐
///                      └──► decode × N (split) ──────────────────────┴──► ledger ──► ack ──► connections
///                                                                              └──► read model ◄── queries
/// </code>
/// </remarks>
internal sealed class CommandPipeline : IIngestBackend, IDisposable
{
    public const string JournalStageName = "journal";
    public const string DecodeStageName = "decode";
    public const string LedgerStageName = "ledger";
    public const string AckStageName = "ack";

    private readonly PipelineOptions _options;
    private readonly ILogger _logger;
    private readonly PipelineMetrics _metrics;
    private readonly JournalWriter _journal;
    private readonly SnapshotScheduler? _snapshots;
    private readonly ProducerTable _producers;
    private readonly LedgerStage _ledger;
    private readonly JournalStage _journalStage;
    private readonly EventPipeline<CommandEvent> _pipeline;
    private readonly RingBuffer<CommandEvent> _ring;
    private readonly QueryService _queries;
    private readonly CancellationTokenSource _stopping = new();
    private bool _shutDown;

    private CommandPipeline(PipelineOptions options, ILogger logger, PipelineMetrics metrics, JournalWriter journal, SnapshotScheduler? snapshots, ProducerTable producers, JournalStage journalStage, LedgerStage ledger, EventPipeline<CommandEvent> pipeline, LedgerReadModel readModel)
    {
        _journalStage = journalStage;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _journal = journal;
        _snapshots = snapshots;
        _producers = producers;
        _ledger = ledger;
        _pipeline = pipeline;
        _ring = pipeline.RingBuffer;
        ReadModel = readModel;
        _queries = new QueryService(readModel, options.Ingest.QueryTimeout, _stopping.Token);
    }

    public LedgerReadModel ReadModel { get; }

    /// <summary>Completes when the pipeline's threads end; faulted when a stage halted (a journal failure).</summary>
    public Task Completion => _pipeline.Completion;

    public JournalWriter Journal => _journal;

    /// <summary>Opens the journal, recovers the state, starts the stages and replays the journal tail through them.</summary>
    public static CommandPipeline Start(PipelineOptions options, ILoggerFactory loggers, PipelineMetrics metrics)
    {
        ILogger logger = loggers.CreateLogger("Pipeline.Server.Engine");
        string data = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(data);
        var journalOptions = new JournalOptions
        {
            Directory = Path.Combine(data, "journal"),
            Durability = options.Journal.Durability,
            FlushInterval = options.Journal.FlushInterval,
            SegmentSizeBytes = options.Journal.SegmentSizeBytes,
            Preallocate = options.Journal.Preallocate,
            MaxRecordBytes = options.Journal.MaxPayloadBytes + (1 << 16) + 64,
            WriteBufferBytes = Math.Max(4 << 20, options.Journal.MaxPayloadBytes + (1 << 16) + 64),
            Retention = options.Journal.Retention,
            ArchiveDirectory = options.Journal.ArchiveDirectory ?? Path.Combine(data, "archive"),
        };
        JournalWriter journal = JournalWriter.Open(journalOptions, loggers.CreateLogger("Pipeline.Journal"));
        try
        {
            var store = new FileSnapshotStore(Path.Combine(data, "snapshots"), options.Snapshots.Keep, loggers.CreateLogger("Pipeline.Journal.Snapshots"));
            var reader = new JournalReader(journalOptions.Directory, journalOptions.MaxRecordBytes);
            var coordinator = new ReplayCoordinator(reader, store, loggers.CreateLogger("Pipeline.Journal.Replay"), TimeProvider.System);
            RecoveryStart<LedgerState> start = coordinator.LoadState(() => new LedgerState());
            if (start.Snapshot is { } loaded && loaded.Sequence > journal.LastSequence)
            {
                // Snapshots are written only once their events are durable, so the journal lost events it had made
                // durable (or was replaced). Going on would number new events over ones the state already holds.
                throw new InvalidDataException(
                    $"Snapshot {loaded.Path} is at sequence {loaded.Sequence}, but the journal in {journalOptions.Directory} ends at sequence {journal.LastSequence}: " +
                    "the journal lost events that the snapshot holds. Restore the journal, or move the snapshots away to rebuild the state from the journal alone.");
            }

            var producers = new ProducerTable();
            foreach ((ulong id, ProducerRecord record) in start.State.Producers)
            {
                producers.Set(id, record.LastProducerSequence, record.Sequence);
            }

            var accountIds = new AccountIdTable();
            foreach ((string id, int slot) in start.State.AccountSlots)
            {
                accountIds.Add(id, slot);
            }

            var readModel = new LedgerReadModel();
            readModel.LoadFrom(start.State);

            // Interval 0 means snapshots only at shutdown; the scheduler also writes that final one.
            long interval = options.Snapshots.IntervalEvents == 0 ? long.MaxValue : options.Snapshots.IntervalEvents;
            var snapshots = new SnapshotScheduler(store, interval, journal.LastSequence, loggers.CreateLogger("Pipeline.Journal.Snapshots"), _ => ApplyRetention(journal, store), () => journal.DurableSequence.Value);

            // Each stage isolates its failures in its own way (see the handlers); a journal failure halts any of them.
            var failures = new FailureLog();
            var isolating = new IsolatingStageExceptionHandler(logger, failures);
            var builder = new PipelineBuilder<CommandEvent>(options.Engine.RingSize, () => new CommandEvent(), ProducerType.Multi, CreateWaitStrategy(options.Engine.WaitStrategy))
                .WithExceptionHandler(isolating);
            var slowCommits = new SlowCommitWatch(logger, options.Journal.SlowCommitWarning, SlowCommitWatch.DefaultReportEvery, TimeProvider.System);
            var journaling = new JournalStage(journal, producers, options.Journal.MaxPayloadBytes, metrics, slowCommits);
            Stage<CommandEvent> journalStage = builder.HandleWith(new StageHandle.Journal(journaling), JournalStageName, OnFailure(new JournalStageExceptionHandler(logger, failures)));
            var decoders = new StageHandle.Decode[options.Engine.DecodeHandlers];
            for (int i = 0; i < decoders.Length; i++)
            {
                decoders[i] = new StageHandle.Decode(new DecodeStage(accountIds));
            }

            Stage<CommandEvent> decode = builder.SplitAcross(DecodeStageName, OnFailure(new DecodeStageExceptionHandler(logger, failures)), decoders);
            var ledger = new LedgerStage(start.State, accountIds, snapshots, metrics)
            {
                SnapshotFailed = ex => Log.SnapshotCaptureFailed(logger, ex),
            };
            Stage<CommandEvent> ledgerStage = builder.After(journalStage, decode).Then(new StageHandle.Ledger(ledger), LedgerStageName, OnFailure(new LedgerStageExceptionHandler(logger, failures)));
            ledgerStage.Then(
                new SequentialStage<StageHandle.Ack, StageHandle.ReadModel>(
                    new StageHandle.Ack(new AckStage(journal, metrics)),
                    new StageHandle.ReadModel(new ReadModelStage(readModel))),
                AckStageName,
                OnFailure(isolating));
            EventPipeline<CommandEvent> pipeline = builder.Build();
            var engine = new CommandPipeline(options, logger, metrics, journal, snapshots, producers, journaling, ledger, pipeline, readModel);
            pipeline.Start();

            // The replay time covers reading the tail and running it through every stage (the drain), not the snapshot load.
            long replayStarted = Stopwatch.GetTimestamp();
            var replay = new RingReplayTarget(pipeline.RingBuffer);
            coordinator.Replay(start.NextSequence, journal.LastSequence, replay);
            pipeline.Drain(Timeout.InfiniteTimeSpan);
            double replayMilliseconds = Math.Round(Stopwatch.GetElapsedTime(replayStarted).TotalMilliseconds, 1);
            Log.Recovered(logger, journal.LastSequence, start.Snapshot?.Path ?? "no snapshot", replay.Published, replayMilliseconds, start.State.AccountCount);
            Log.Ready(logger, data, options.Journal.Durability, options.Engine.RingSize, options.Engine.DecodeHandlers, options.Engine.WaitStrategy);
            return engine;
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    private static void ApplyRetention(JournalWriter journal, FileSnapshotStore store)
    {
        if (journal.Options.Retention == RetentionPolicy.KeepAll)
        {
            return;
        }

        long oldest = long.MaxValue;
        foreach (SnapshotInfo snapshot in store.List())
        {
            if (snapshot.IsValid)
            {
                oldest = Math.Min(oldest, snapshot.Sequence);
            }
        }

        if (oldest != long.MaxValue)
        {
            journal.ApplyRetention(oldest);
        }
    }

    private static StageOptions<CommandEvent> OnFailure(StageExceptionHandler exceptionHandler) =>
        new() { ExceptionHandler = exceptionHandler };

    internal static IWaitStrategy CreateWaitStrategy(WaitStrategyKind kind) => kind switch
    {
        WaitStrategyKind.Sleeping => new SleepingWaitStrategy(),
        WaitStrategyKind.Yielding => new YieldingWaitStrategy(),
        WaitStrategyKind.BusySpin => new BusySpinWaitStrategy(),
        WaitStrategyKind.Phased => new PhasedWaitStrategy(),
        _ => new BlockingWaitStrategy(),
    };

    /// <summary>Journaled events not yet durable.</summary>
    public long DurableLag => Math.Max(0, _journalStage.Head - _journal.DurableSequence.Value);

    /// <summary>Events published and not yet through every stage.</summary>
    public long RingOccupancy => Math.Max(0, _ring.Cursor - _pipeline.ProcessedSequence);

    public (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId)
    {
        ulong last = producerId != 0 ? _producers.LastProducerSequence(producerId) : 0;
        return (last, (ulong)Math.Max(0, _journal.DurableSequence.Value));
    }

    public int TryPublish(IngestConnection connection, ReadOnlySpan<byte> buffer, ReadOnlySpan<Range> bodies)
    {
        int count = bodies.Length;
        long high;
        while (!_ring.TryNext(count, out high))
        {
            if (count == 1)
            {
                return 0;
            }

            count /= 2; // take what fits now; the connection offers the rest again
        }

        long low = high - count + 1;
        long received = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            bool parsed = ClientFrames.TryParsePublish(buffer[bodies[i]], out PublishFrame frame);
            Debug.Assert(parsed, "the connection hands over only frames it has checked");
            CommandEvent entry = _ring[low + i];
            entry.ResetOutcome();
            entry.IsReplay = false;
            entry.Connection = connection;
            entry.ReceivedTimestamp = received;
            entry.ProducerId = connection.ProducerId;
            entry.ProducerSequence = frame.ProducerSequence;
            entry.SchemaVersion = frame.SchemaVersion;
            entry.SetType(frame.Type);
            entry.SetPayload(frame.Payload);
        }

        _ring.Publish(low, high);
        _metrics.Ingested(count);
        return count;
    }

    public void OnQuery(IngestConnection connection, in QueryFrame frame) => _queries.Handle(connection, frame);

    /// <summary>
    /// Drains every published event through every stage, stops the stages, closes the journal (fsync) and writes
    /// a final snapshot. Call after the listener has stopped. Idempotent.
    /// </summary>
    public void Shutdown(TimeSpan timeout)
    {
        if (_shutDown)
        {
            return;
        }

        _shutDown = true;
        _stopping.Cancel();
        bool faulted = _pipeline.Completion.IsFaulted;
        _pipeline.Drain(timeout);
        _pipeline.Halt(timeout);
        string final = "none";
        if (!faulted && _journal.Fault is null)
        {
            _journal.Dispose();
            if (_snapshots is not null && _ledger.LastApplied > _snapshots.LastWrittenSequence)
            {
                SnapshotInfo info = _snapshots.WriteNow(_ledger.LastApplied, _ledger.LastTimestampTicks, _ledger.State);
                final = info.Path;
            }
        }
        else
        {
            _journal.Dispose();
        }

        _snapshots?.Dispose();
        Log.ShutDown(_logger, _ledger.LastApplied, final);
    }

    public void Dispose()
    {
        Shutdown(TimeSpan.FromSeconds(10));
        _stopping.Dispose();
    }
}
