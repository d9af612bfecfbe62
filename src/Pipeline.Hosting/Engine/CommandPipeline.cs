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
using Pipeline.Application;
using Pipeline.EventStore;
using Pipeline.Protocol;
using Pipeline.Hosting.Configuration;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The command pipeline that hosts an application: journal and decoders, then the application's decider, then the
/// event store, the acknowledgements and the read model, over one multi-producer ring fed by the connections.
/// Recovers at start (snapshot + journal tail replayed through the same stages, which also completes the event
/// log) and shuts down cleanly (drain, fsync, final snapshot).
/// </summary>
/// <remarks>
/// <code>
///   connections ──► ring ──► journal (single writer, group commit) ──┐
///                      └──► decode × N (split) ──────────────────────┴──► decide + evolve ──► event log ─► ack ─► read model
///                                                                                              (one thread)   ◄── queries
/// </code>
/// </remarks>
internal sealed class CommandPipeline<TApp, TState, TCommand, TEvent> : IEngine
    where TApp : IApplication<TState, TCommand, TEvent>
    where TState : class, ISnapshotable
{

    private readonly PipelineOptions _options;
    private readonly ILogger _logger;
    private readonly PipelineMetrics _metrics;
    private readonly JournalWriter _journal;
    private readonly SnapshotScheduler? _snapshots;
    private readonly ProducerTable _producers;
    private readonly ApplicationStage<TApp, TState, TCommand, TEvent> _application;
    private readonly JournalStage<CommandEntry<TCommand, TEvent>> _journalStage;
    private readonly EventPipeline<CommandEntry<TCommand, TEvent>> _pipeline;
    private readonly RingBuffer<CommandEntry<TCommand, TEvent>> _ring;
    private readonly QueryService _queries;
    private readonly EventLogWriter? _eventLog;
    private readonly VisibleHead _visible;
    private readonly EventReadService? _reads;
    private readonly EventStoreReader? _storeReader;
    private readonly ConsumerServer? _consumers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly StreamResultsView? _streamView;
    private string? _catalog;
    private ITimer? _ticks;
    private TimeSpan _tickInterval;
    private bool _shutDown;

    private CommandPipeline(PipelineOptions options, ILogger logger, PipelineMetrics metrics, JournalWriter journal, EventLogWriter? eventLog, SnapshotScheduler? snapshots, ProducerTable producers, JournalStage<CommandEntry<TCommand, TEvent>> journalStage, ApplicationStage<TApp, TState, TCommand, TEvent> application, EventPipeline<CommandEntry<TCommand, TEvent>> pipeline, IQueryHandler queries, VisibleHead position, VisibleHead visible, EventReadService? reads, EventStoreReader? storeReader, ConsumerServer? consumers, StreamResultsView? streamView)
    {
        _streamView = streamView;
        _consumers = consumers;
        _storeReader = storeReader;
        _eventLog = eventLog;
        _visible = visible;
        _reads = reads;
        _journalStage = journalStage;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _journal = journal;
        _snapshots = snapshots;
        _producers = producers;
        _application = application;
        _pipeline = pipeline;
        _ring = pipeline.RingBuffer;
        ReadModelPosition = position;
        _queries = new QueryService(queries, position, options.Ingest.QueryTimeout, _stopping.Token);
    }

    public VisibleHead ReadModelPosition { get; }

    /// <summary>The application's state (read it only when the pipeline is stopped or drained).</summary>
    public EngineState<TState> State => _application.State;

    /// <summary>The last event position readers may see: every command up to its event is durable.</summary>
    public long VisiblePosition => _visible.Position;

    /// <summary>The event log's writer, or null when the event store is off.</summary>
    public EventLogWriter? EventLog => _eventLog;

    /// <summary>Completes when the pipeline's threads end; faulted when a stage halted (a journal failure).</summary>
    public Task Completion => _pipeline.Completion;

    public JournalWriter Journal => _journal;

    /// <summary>Opens the journal and the event log, recovers the state, starts the stages and replays the journal tail through them.</summary>
    public static CommandPipeline<TApp, TState, TCommand, TEvent> Start(TApp app, PipelineOptions options, ILoggerFactory loggers, PipelineMetrics metrics)
    {
        ILogger logger = loggers.CreateLogger("Pipeline.Hosting.Engine");
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
        // Restart time is wall time: the start-up steps that do not depend on each other run side by side. The event
        // log's open (a scan of its last segment) and the ring's allocation (every entry and its buffers) go to the
        // thread pool while this thread opens the journal and loads the newest snapshot.
        EventLogOptions? eventOptions = options.EventStore.Enabled ? EventLogOptionsFor(options, data) : null;
        Task<EventLogWriter?> openingLog = eventOptions is null
            ? Task.FromResult<EventLogWriter?>(null)
            : Task.Run<EventLogWriter?>(() => EventLogWriter.Open(eventOptions, loggers.CreateLogger("Pipeline.EventStore")));
        Task<PipelineBuilder<CommandEntry<TCommand, TEvent>>> allocatingRing = Task.Run(() =>
            new PipelineBuilder<CommandEntry<TCommand, TEvent>>(options.Engine.RingSize, () => new CommandEntry<TCommand, TEvent>(), ProducerType.Multi, CreateWaitStrategy(options.Engine.WaitStrategy)));
        JournalWriter journal;
        try
        {
            journal = JournalWriter.Open(journalOptions, loggers.CreateLogger("Pipeline.Journal"));
        }
        catch
        {
            OpenedOrNull(openingLog)?.Dispose();
            throw;
        }

        EventLogWriter? eventLog = null;
        ConsumerServer? consumers = null;
        try
        {
            var store = new FileSnapshotStore(Path.Combine(data, "snapshots"), options.Snapshots.Keep, loggers.CreateLogger("Pipeline.Journal.Snapshots"));
            var reader = new JournalReader(journalOptions.Directory, journalOptions.MaxRecordBytes);
            var coordinator = new ReplayCoordinator(reader, store, loggers.CreateLogger("Pipeline.Journal.Replay"), TimeProvider.System);
            // A fresh state (and fresh flows) for each snapshot recovery tries.
            Func<EngineState<TState>> newState = () => new EngineState<TState>(app.CreateState()) { Flows = StreamsFor(app, options) };
            RecoveryStart<EngineState<TState>> start = coordinator.LoadState(newState);
            eventLog = openingLog.GetAwaiter().GetResult();
            if (start.Snapshot is { } loaded && loaded.Sequence > journal.LastSequence)
            {
                // Snapshots are written only once their events are durable, so the journal lost events it had made
                // durable (or was replaced). Going on would number new events over ones the state already holds.
                throw new InvalidDataException(
                    $"Snapshot {loaded.Path} is at sequence {loaded.Sequence}, but the journal in {journalOptions.Directory} ends at sequence {journal.LastSequence}: " +
                    "the journal lost events that the snapshot holds. Restore the journal, or move the snapshots away to rebuild the state from the journal alone.");
            }

            if (eventLog is not null && eventLog.LastCommandSequence > journal.LastSequence)
            {
                // Events are appended only after their command is journaled, so the journal lost commands it had
                // written (a machine crash before their fsync, or a replaced journal): these events' commands are gone.
                throw new InvalidDataException(
                    $"The event log in {eventOptions!.Directory} holds events of command {eventLog.LastCommandSequence}, but the journal in {journalOptions.Directory} ends at sequence {journal.LastSequence}. " +
                    "Restore the journal, or move the event log away: it is rebuilt from the journal.");
            }

            if (eventLog is not null && start.State.LastPosition > eventLog.LastPosition)
            {
                // The snapshot is ahead of the event log (a machine crash lost the log's unsynced tail, or the log was
                // moved away): the events in between can only be re-decided from an earlier state.
                Log.EventLogBehindSnapshot(logger, eventLog.LastPosition, start.State.LastPosition, start.Snapshot?.Path ?? "none");
                start = coordinator.LoadState(newState, ignoreSnapshots: true);
            }

            EngineState<TState> state = start.State;
            var producers = new ProducerTable();
            foreach ((ulong id, ProducerRecord record) in state.Producers)
            {
                producers.Set(id, record.LastProducerSequence, record.Sequence);
            }

            // Everything already in the log was decided from journaled commands, and the journal as recovered is durable.
            var visible = new VisibleHead(eventLog?.LastPosition ?? 0);
            var sequencesVisible = new VisibleHead(0); // advanced by the replay as it passes the ACK stage
            EventStoreReader? storeReader = eventOptions is null ? null : new EventStoreReader(new EventLogReader(eventOptions), new EventIndex(eventOptions, loggers.CreateLogger("Pipeline.EventStore")), visible);
            EventReadService? reads = storeReader is null ? null : new EventReadService(storeReader, sequencesVisible, options.Ingest.QueryTimeout, loggers.CreateLogger("Pipeline.Ingest"));
            consumers = storeReader is null ? null : new ConsumerServer(storeReader, data, options.Consumers, loggers, metrics);
            ReadSide<TEvent> readSide = app.CreateReadSide(state.Application, new ApplicationServices(storeReader is null ? null : new StoredEventReader(storeReader)));
            var position = new VisibleHead(state.LastSequence); // the read model's command sequence: the same raise-only value with waiters
            var flows = state.Flows as EngineStreams<TEvent>;
            StreamResultsView? streamView = flows is null ? null : new StreamResultsView(flows.Definitions, flows.LateEvents);
            if (streamView is not null && storeReader is not null)
            {
                streamView.Seed(storeReader, state.StreamVersions); // results before the snapshot; the replay adds the tail's
            }

            if (flows is not null)
            {
                metrics.ObserveStreams(flows);
            }

            // Interval 0 means snapshots only at shutdown; the scheduler also writes that final one.
            long interval = options.Snapshots.IntervalEvents == 0 ? long.MaxValue : options.Snapshots.IntervalEvents;
            AckStage<CommandEntry<TCommand, TEvent>>? ackStage = null;

            // A snapshot is written once its commands are durable (passed the ACK stage) and their events are in the
            // event log (handed to the OS by the store stage), so that a restart from it never needs events the log lacks.
            EventStoreStage<TCommand, TEvent>? storeStage = null;
            var snapshots = new SnapshotScheduler(store, interval, journal.LastSequence, loggers.CreateLogger("Pipeline.Journal.Snapshots"), _ => ApplyRetention(journal, store),
                () => Math.Min(journal.DurableSequence.Value, Math.Min(ackStage?.Through ?? 0, storeStage?.Through ?? long.MaxValue)));

            // Each stage isolates its failures in its own way (see the handlers); a journal failure halts any of them.
            var failures = new FailureLog();
            var isolating = new IsolatingStageExceptionHandler<CommandEntry<TCommand, TEvent>>(logger, failures);
            PipelineBuilder<CommandEntry<TCommand, TEvent>> builder = allocatingRing.GetAwaiter().GetResult().WithExceptionHandler(isolating);
            var slowCommits = new SlowCommitWatch(logger, options.Journal.SlowCommitWarning, SlowCommitWatch.DefaultReportEvery, TimeProvider.System);
            var journaling = new JournalStage<CommandEntry<TCommand, TEvent>>(journal, producers, app.Commands, options.Journal.MaxPayloadBytes, metrics, slowCommits);
            Stage<CommandEntry<TCommand, TEvent>> journalStage = builder.HandleWith(new StageHandle.Journal<CommandEntry<TCommand, TEvent>>(journaling), StageNames.Journal, OnFailure(new JournalStageExceptionHandler<CommandEntry<TCommand, TEvent>>(logger, failures)));
            var decoders = new StageHandle.Decode<TCommand, TEvent>[options.Engine.DecodeHandlers];
            CommandSchemaCheck? schemaCheck = CommandSchemaCheck.Create(app.Commands, app, options.Schemas.Validation);
            for (int i = 0; i < decoders.Length; i++)
            {
                decoders[i] = new StageHandle.Decode<TCommand, TEvent>(new DecodeStage<TCommand, TEvent>(app.Commands, new CommandDecoding<TCommand>(app.CreateDecoder(state.Application), CommandUpcaster.Create(app.Commands, app), schemaCheck)));
            }

            Stage<CommandEntry<TCommand, TEvent>> decode = builder.SplitAcross(StageNames.Decode, OnFailure(new DecodeStageExceptionHandler<CommandEntry<TCommand, TEvent>>(logger, failures)), decoders);
            var application = new ApplicationStage<TApp, TState, TCommand, TEvent>(app, state, snapshots, metrics, options.EventStore.MaxPayloadBytes)
            {
                SnapshotFailed = ex => Log.SnapshotCaptureFailed(logger, ex),
                EventUnstorable = (sequence, problem) => Log.EventUnstorable(logger, sequence, problem),
                StreamOutputUnstorable = (sequence, stream, problem) => Log.StreamOutputUnstorable(logger, sequence, stream, problem),
            };
            Stage<CommandEntry<TCommand, TEvent>> applicationStage = builder.After(journalStage, decode).Then(new StageHandle.Application<TApp, TState, TCommand, TEvent>(application), StageNames.Application, OnFailure(new ApplicationStageExceptionHandler<CommandEntry<TCommand, TEvent>>(logger, failures)));
            // The event log's appends and the ACKs run in parallel after the application stage: an ACK waits for the
            // journal only, and readers see an event once both its command is durable and it is in the file.
            VisibilityGate? visibility = eventLog is null ? null : new VisibilityGate(visible, sequencesVisible);
            ackStage = new AckStage<CommandEntry<TCommand, TEvent>>(journal, metrics, visibility is null ? null : visibility.Durable);
            if (eventLog is not null)
            {
                storeStage = new EventStoreStage<TCommand, TEvent>(eventLog, visibility!);
                applicationStage.Then(new StageHandle.Events<TCommand, TEvent>(storeStage), StageNames.Store, OnFailure(isolating));
            }

            applicationStage.Then(
                new SequentialStage<CommandEntry<TCommand, TEvent>, StageHandle.Ack<CommandEntry<TCommand, TEvent>>, StageHandle.ReadModel<TCommand, TEvent>>(
                    new StageHandle.Ack<CommandEntry<TCommand, TEvent>>(ackStage),
                    new StageHandle.ReadModel<TCommand, TEvent>(new ReadModelStage<TCommand, TEvent>(readSide.Model, position, streamView))),
                StageNames.Ack,
                OnFailure(isolating));
            EventPipeline<CommandEntry<TCommand, TEvent>> pipeline = builder.Build();
            var engine = new CommandPipeline<TApp, TState, TCommand, TEvent>(options, logger, metrics, journal, eventLog, snapshots, producers, journaling, application, pipeline, readSide.Queries, position, visible, reads, storeReader, consumers, streamView)
            {
                _catalog = (app as ICatalogSource)?.CatalogJson,
            };
            pipeline.Start();

            // The replay time covers reading the tail and running it through every stage (the drain), not the snapshot load.
            long replayStarted = Stopwatch.GetTimestamp();
            var replay = new RingReplayTarget<CommandEntry<TCommand, TEvent>>(pipeline.RingBuffer);
            coordinator.Replay(start.NextSequence, journal.LastSequence, replay);
            pipeline.Drain(Timeout.InfiniteTimeSpan);
            double replayMilliseconds = Math.Round(Stopwatch.GetElapsedTime(replayStarted).TotalMilliseconds, 1);
            Log.Recovered(logger, journal.LastSequence, start.Snapshot?.Path ?? "no snapshot", replay.Published, replayMilliseconds, state.LastPosition);
            Log.Ready(logger, data, options.Journal.Durability, options.Engine.RingSize, options.Engine.DecodeHandlers, options.Engine.WaitStrategy);
            if (flows is not null)
            {
                streamView?.ObserveProgress(() => (application.StreamsPending, application.LastApplied));
                engine.StartIdleTicks(options.Streams.TickInterval);
            }

            return engine;
        }
        catch
        {
            consumers?.Dispose();
            (eventLog ?? OpenedOrNull(openingLog))?.Dispose();
            journal.Dispose();
            throw;
        }
    }

    // For clean-up after another step failed: the event log once its open ends, or null if the open failed too
    // (that failure is the lesser one; the first is rethrown).
    private static EngineStreams<TEvent>? StreamsFor(TApp app, PipelineOptions options) =>
        options.Streams.Enabled && app is IStreamingApplication<TEvent> streaming && streaming.Streams.Count > 0
            ? new EngineStreams<TEvent>(streaming.Streams)
            : null;

    // Ticks: while no command has been journaled for an interval and a flow has a window waiting, one tick record per
    // interval, so that windows close on time; a replay reads the same ticks back from the journal.
    private void StartIdleTicks(TimeSpan interval)
    {
        // Checked four times an interval: a tick follows the last record by one to one and a quarter intervals
        // (checking once an interval would let it slip to two).
        _tickInterval = interval;
        TimeSpan check = interval / 4;
        _ticks = TimeProvider.System.CreateTimer(static self => ((CommandPipeline<TApp, TState, TCommand, TEvent>)self!).TickIfIdle(), this, check, check);
    }

    private void TickIfIdle()
    {
        if (Volatile.Read(ref _shutDown) || !_application.StreamsPending
            || DateTime.UtcNow.Ticks - _journal.LastTimestampTicks < _tickInterval.Ticks)
        {
            return;
        }

        if (!_ring.TryNext(1, out long slot))
        {
            return; // a full ring is not idle
        }

        CommandEvent entry = _ring[slot];
        entry.ResetOutcome();
        entry.IsReplay = false;
        entry.IsTick = true;
        entry.Connection = null;
        entry.ReceivedTimestamp = Stopwatch.GetTimestamp();
        entry.ProducerId = 0;
        entry.ProducerSequence = 0;
        entry.SchemaVersion = EngineRecords.TickSchemaVersion;
        entry.SetType(EngineRecords.Tick);
        entry.SetPayload(ReadOnlySpan<byte>.Empty);
        _ring.Publish(slot, slot);
    }

    private static EventLogWriter? OpenedOrNull(Task<EventLogWriter?> opening)
    {
        try
        {
            return opening.GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // see above
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    internal static EventLogOptions EventLogOptionsFor(PipelineOptions options, string data) => new()
    {
        Directory = Path.Combine(data, "events"),
        SegmentSizeBytes = options.EventStore.SegmentSizeBytes,
        MaxPayloadBytes = options.EventStore.MaxPayloadBytes,
    };

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

    private static StageOptions<CommandEntry<TCommand, TEvent>> OnFailure(StageExceptionHandler<CommandEntry<TCommand, TEvent>> exceptionHandler) =>
        new() { ExceptionHandler = exceptionHandler };

    private static IWaitStrategy CreateWaitStrategy(WaitStrategyKind kind) => StageNames.CreateWaitStrategy(kind);

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
            entry.IsTick = false;
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

    public void OnQuery(IngestConnection connection, in QueryFrame frame)
    {
        // Names starting with "pipeline." belong to the server, whatever the application defines.
        if (frame.Name.StartsWith("pipeline."u8))
        {
            string name = System.Text.Encoding.UTF8.GetString(frame.Name);
            if (name == "pipeline.catalog")
            {
                connection.SendResult(frame.RequestId, (ulong)ReadModelPosition.Position,
                    _catalog is null ? ResultStatus.BadRequest : ResultStatus.Ok,
                    _catalog ?? "{\"error\":\"this application publishes no catalog\"}");
                return;
            }

            if (name is "pipeline.streams" or "pipeline.stream.results")
            {
                (ResultStatus status, string body) = _streamView?.Query(name, frame.Args)
                    ?? (ResultStatus.BadRequest, "{\"error\":\"this service runs no stream-processing flows (none defined, or Pipeline:Streams:Enabled=false)\"}");
                connection.SendResult(frame.RequestId, (ulong)ReadModelPosition.Position, status, body);
                return;
            }

            if (_consumers is null)
            {
                connection.SendResult(frame.RequestId, (ulong)ReadModelPosition.Position, ResultStatus.BadRequest, "{\"error\":\"" + StoreOff + "\"}");
                return;
            }

            _consumers.OnQuery(connection, frame.RequestId, (ulong)ReadModelPosition.Position, name, frame.Args.ToArray());
            return;
        }

        _queries.Handle(connection, frame);
    }

    public void OnRead(IngestConnection connection, in ReadFrame frame)
    {
        if (_reads is null)
        {
            connection.SendReadEnd(frame.RequestId, ReadStatus.NotSupported, 0, 0, 0, "the event store is off (Pipeline:EventStore:Enabled=false)");
            return;
        }

        _reads.Start(connection, frame);
    }

    private const string StoreOff = "the event store is off (Pipeline:EventStore:Enabled=false)";

    public void OnSubscribe(IngestConnection connection, in SubscribeFrame frame)
    {
        if (_consumers is null)
        {
            connection.SendSubEnd(frame.SubscriptionId, SubscriptionEndStatus.NotSupported, 0, StoreOff);
            return;
        }

        _consumers.OnSubscribe(connection, frame);
    }

    public void OnCredit(IngestConnection connection, in CreditFrame frame)
    {
        if (_consumers is null)
        {
            connection.SendSubEnd(frame.SubscriptionId, SubscriptionEndStatus.NotFound, 0, "no such subscription");
            return;
        }

        _consumers.OnCredit(connection, frame);
    }

    public void OnUnsubscribe(IngestConnection connection, in UnsubscribeFrame frame)
    {
        if (_consumers is null)
        {
            connection.SendSubEnd(frame.SubscriptionId, SubscriptionEndStatus.NotFound, 0, "no such subscription");
            return;
        }

        _consumers.OnUnsubscribe(connection, frame);
    }

    public void OnFetch(IngestConnection connection, in FetchFrame frame)
    {
        if (_consumers is null)
        {
            connection.SendReadEnd(frame.RequestId, ReadStatus.NotSupported, 0, 0, 0, StoreOff);
            return;
        }

        _consumers.OnFetch(connection, frame);
    }

    public void OnConnectionClosed(IngestConnection connection) => _consumers?.OnConnectionClosed(connection);

    public void OnCommit(IngestConnection connection, in CommitFrame frame)
    {
        if (_consumers is null)
        {
            connection.SendConsumerResult(frame.RequestId, ConsumerResultStatus.NotSupported, 0, StoreOff);
            return;
        }

        _consumers.OnCommit(connection, frame);
    }

    public void OnConsumerAdmin(IngestConnection connection, in ConsumerAdminFrame frame)
    {
        if (_consumers is null)
        {
            connection.SendConsumerResult(frame.RequestId, ConsumerResultStatus.NotSupported, 0, StoreOff);
            return;
        }

        _consumers.OnConsumerAdmin(connection, frame);
    }

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

        Volatile.Write(ref _shutDown, true);
        _ticks?.Dispose();
        _stopping.Cancel();
        bool faulted = _pipeline.Completion.IsFaulted;
        _pipeline.Drain(timeout);
        _pipeline.Halt(timeout);
        string final = "none";
        if (!faulted && _journal.Fault is null)
        {
            _journal.Dispose();
            if (_snapshots is not null && _application.LastApplied > _snapshots.LastWrittenSequence)
            {
                _eventLog?.Flush(); // the store stage flushed at its last batch; this is for a log that did not
                SnapshotInfo info = _snapshots.WriteNow(_application.LastApplied, _application.LastTimestampTicks, _application.State);
                final = info.Path;
            }
        }
        else
        {
            _journal.Dispose();
        }

        _snapshots?.Dispose();
        _eventLog?.Dispose();
        _storeReader?.Dispose(); // the index files and segment mappings the reads keep open
        _consumers?.Dispose(); // the checkpoint store: fsync, and its folder's lock released
        Log.ShutDown(_logger, _application.LastApplied, final);
    }

    public void Dispose()
    {
        Shutdown(TimeSpan.FromSeconds(10));
        _stopping.Dispose();
    }
}
