using System;
using System.Buffers;
using System.Text;
using Pipeline.Application;
using Pipeline.EventStore;
using Pipeline.Hosting.Engine;
using Pipeline.Journal;
using Pipeline.Journal.Replay;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Hosting.Replay;

/// <summary>
/// Decides journal records straight into an <see cref="EngineState{TState}"/> on the calling thread (decode,
/// decide, evolve, number the events): the same decisions as the pipeline's stages, for tools and proofs. Given the
/// stored event log, it also compares every event it re-decides with the stored one at the same position.
/// </summary>
internal sealed class ApplicationReplay<TApp, TState, TCommand, TEvent> : IReplayTarget, IDisposable
    where TApp : IApplication<TState, TCommand, TEvent>
    where TState : class, ISnapshotable
{
    private readonly TApp _app;
    private readonly CommandDecoding<TCommand> _decoding;
    private readonly EventSink<TEvent> _events = new();
    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private readonly EventLogCursor? _stored;
    private readonly EncodedEvents _encoded = new();
    private readonly int _maxPayloadBytes;
    private readonly EngineStreams<TEvent>? _streams;

    /// <param name="app">The application.</param>
    /// <param name="state">The state to continue from (a new one, or a restored snapshot).</param>
    /// <param name="stored">The event log to compare with, read from the state's next position; null: no comparison.</param>
    /// <param name="maxPayloadBytes">The service's Pipeline:EventStore:MaxPayloadBytes: a command with a larger event fails as it did in the service (0: the event store was off).</param>
    /// <param name="validation">The service's Pipeline:Schemas:Validation: under All a payload its schema refuses is rejected, as it was in the service.</param>
    public ApplicationReplay(TApp app, EngineState<TState> state, EventLogReader? stored = null, int maxPayloadBytes = 1024 * 1024, PayloadValidation validation = PayloadValidation.All)
    {
        _maxPayloadBytes = maxPayloadBytes;
        _app = app;
        State = state;
        _decoding = new CommandDecoding<TCommand>(app.CreateDecoder(state.Application), CommandUpcaster.Create(app.Commands, app), CommandSchemaCheck.Create(app.Commands, app, validation));
        _stored = stored?.ReadForward(state.LastPosition + 1);
        _streams = state.Flows as EngineStreams<TEvent>;
    }

    public EngineState<TState> State { get; }

    public long Applied { get; private set; }

    public long Rejected { get; private set; }

    /// <summary>Told each flow output as it is numbered: position, stored type, payload (for tests and tools).</summary>
    public Action<long, string, byte[]>? StreamOutputNumbered { get; set; }

    /// <summary>Tick records among the applied ones (journal time for the flows, no command).</summary>
    public long Ticks { get; private set; }

    /// <summary>Events re-decided and found equal to the stored ones.</summary>
    public long EventsMatched { get; private set; }

    /// <summary>Events re-decided that the event log does not hold (it ends before them).</summary>
    public long EventsMissing { get; private set; }

    /// <summary>The first difference between a re-decided event and the stored one, or null.</summary>
    public string? FirstMismatch { get; private set; }

    public void Apply(in JournalRecord record)
    {
        EngineState<TState> state = State;
        state.LastSequence = record.Sequence;
        if (record.ProducerId != 0)
        {
            state.Producers[record.ProducerId] = new ProducerRecord(record.ProducerSequence, record.Sequence);
        }

        Applied++;
        if (record.Type.SequenceEqual(EngineRecords.Tick))
        {
            Ticks++;
            if (_streams is not null)
            {
                _streams.Clear();
                _streams.OnTick(record.TimestampTicks);
                NumberStreamOutputs(record);
            }

            return;
        }

        string? reason = Decide(record);
        if (reason is not null)
        {
            Rejected++;
            return;
        }

        for (int i = 0; i < _events.Count; i++)
        {
            ref readonly TEvent e = ref _events[i];
            EventHeader header = _app.Describe(e);
            long version = state.NextStreamVersion(header.Stream);
            long position = ++state.LastPosition;
            _app.Evolve(state.Application, e, new EventContext(record.Sequence, record.TimestampTicks, version));
            Compare(e, header, position, version, record);
        }

        if (_streams is not null)
        {
            _streams.Clear();
            _streams.OnEvents(_events, record.TimestampTicks);
            NumberStreamOutputs(record);
        }
    }

    // As the application stage: the flows' outputs follow the command's events (one too large for the log is left out).
    private void NumberStreamOutputs(in JournalRecord record)
    {
        EngineStreams<TEvent> streams = _streams!;
        for (int i = 0; i < streams.Count; i++)
        {
            StreamOutput output = streams[i];
            ReadOnlySpan<byte> payload = streams.Payload(i);
            if (_maxPayloadBytes > 0 && payload.Length > _maxPayloadBytes)
            {
                continue;
            }

            long version = State.NextStreamVersion(output.StreamId);
            long position = ++State.LastPosition;
            StreamOutputNumbered?.Invoke(position, output.Type.Name, payload.ToArray());
            CompareStored(output.Type, Encoding.UTF8.GetBytes(output.StreamId), payload, position, version, record);
        }
    }

    private string? Decide(in JournalRecord record)
    {
        _events.Clear();
        int index = _app.Commands.IndexOf(record.Type);
        if (index < 0 || !_app.Commands[index].Accepts(record.SchemaVersion))
        {
            return "malformed_payload"; // never journaled by the server (INVALID), but a journal could hold it
        }

        // As the decode stage (the same CommandDecoding): upcast, decode, schema check.
        string? reason = _decoding.Decode(index, record.SchemaVersion, record.Payload, out TCommand command, out _);
        if (reason is not null)
        {
            return reason;
        }

        reason = _app.Decide(State.Application, command, new CommandContext(record.Sequence, record.TimestampTicks, record.ProducerId, record.ProducerSequence), _events);
        if (reason is null && _maxPayloadBytes > 0)
        {
            // As the application stage: an event the log cannot take fails its command before anything is applied.
            _encoded.Clear();
            for (int i = 0; i < _events.Count && reason is null; i++)
            {
                ref readonly TEvent e = ref _events[i];
                if (_encoded.Add<TApp, TState, TCommand, TEvent>(_app, e, _app.Describe(e), _maxPayloadBytes) is not null)
                {
                    reason = EngineRejectReasons.HandlerFailed;
                }
            }
        }

        if (reason is not null)
        {
            _events.Clear();
        }

        return reason;
    }

    private void Compare(in TEvent e, EventHeader header, long position, long version, in JournalRecord record)
    {
        if (_stored is null || FirstMismatch is not null)
        {
            return;
        }

        _payload.ResetWrittenCount();
        _app.WritePayload(e, _payload);
        CompareStored(header.Type, Encoding.UTF8.GetBytes(header.Stream), _payload.WrittenSpan, position, version, record);
    }

    private void CompareStored(EventType type, ReadOnlySpan<byte> stream, ReadOnlySpan<byte> payload, long position, long version, in JournalRecord record)
    {
        if (_stored is null || FirstMismatch is not null)
        {
            return;
        }

        if (!_stored.TryRead(out EventRecord stored))
        {
            EventsMissing++;
            return;
        }

        string? difference =
            stored.Position != position ? $"position {stored.Position}" :
            stored.CommandSequence != record.Sequence ? $"command sequence {stored.CommandSequence}, re-decided {record.Sequence}" :
            stored.TimestampTicks != record.TimestampTicks ? "timestamp" :
            stored.ProducerId != record.ProducerId ? "producer" :
            !stored.StreamId.SequenceEqual(stream) ? $"stream '{Encoding.UTF8.GetString(stored.StreamId)}', re-decided '{Encoding.UTF8.GetString(stream)}'" :
            stored.StreamVersion != version ? $"stream version {stored.StreamVersion}, re-decided {version}" :
            !stored.Type.SequenceEqual(type.Utf8Name) || stored.SchemaVersion != type.SchemaVersion ? "type or schema version" :
            !stored.Payload.SequenceEqual(payload) ? "payload" :
            null;
        if (difference is null)
        {
            EventsMatched++;
        }
        else
        {
            FirstMismatch = $"event at position {position}: stored {difference}";
        }
    }

    public void EndOfBatch()
    {
    }

    /// <summary>Whether the event log holds more events than the journal decides (only meaningful after a full replay).</summary>
    public bool StoredHasMore() => _stored is not null && FirstMismatch is null && _stored.TryRead(out _);

    public void Dispose() => _stored?.Dispose();
}
