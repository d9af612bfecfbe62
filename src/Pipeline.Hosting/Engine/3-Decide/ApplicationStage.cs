using System;
using System.Threading;
using Pipeline.Application;
using Pipeline.Core.Processing;
using Pipeline.Journal.Snapshots;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The sequenced stateful handler: decides each journaled command against the application's state in journal
/// order (OK with events, or REJECTED), applies the events, numbers them in their streams, and triggers snapshots.
/// </summary>
/// <remarks>One thread; reads no clock (the journal timestamp is on the entry). Follows the journal and decode stages.</remarks>
internal sealed class ApplicationStage<TApp, TState, TCommand, TEvent> : IEventHandler<CommandEntry<TCommand, TEvent>>
    where TApp : IApplication<TState, TCommand, TEvent>
    where TState : class, ISnapshotable
{
    private readonly TApp _app;
    private readonly EngineState<TState> _state;
    private readonly SnapshotScheduler? _snapshots;
    private readonly PipelineMetrics _metrics;
    private readonly int _maxPayloadBytes;
    private readonly EngineStreams<TEvent>? _streams;
    private long _lastApplied;
    private bool _streamsPending;
    private long _lastTimestamp;

    /// <param name="app">The application.</param>
    /// <param name="state">The state to continue from.</param>
    /// <param name="snapshots">Triggers snapshots, or null.</param>
    /// <param name="metrics">Counts rejections.</param>
    /// <param name="maxPayloadBytes">
    /// The event store's largest payload. Events are encoded and checked even with the event store off, so that no
    /// decision depends on that switch (0: no encoding, for tests of the stage alone).
    /// </param>
    public ApplicationStage(TApp app, EngineState<TState> state, SnapshotScheduler? snapshots, PipelineMetrics metrics, int maxPayloadBytes)
    {
        _maxPayloadBytes = maxPayloadBytes;
        _app = app;
        _state = state;
        _snapshots = snapshots;
        _metrics = metrics;
        _lastApplied = state.LastSequence;
        _streams = state.Flows as EngineStreams<TEvent>;
    }

    /// <summary>Whether a flow has a window waiting to close, as of the last batch (any thread: the idle ticks ask).</summary>
    public bool StreamsPending => Volatile.Read(ref _streamsPending);

    /// <summary>Told when a flow's result cannot be stored (journal sequence, stream, why); it is left out, the same way on every replay.</summary>
    public Action<long, string, string>? StreamOutputUnstorable { get; set; }

    public EngineState<TState> State => _state;

    public long LastApplied => Volatile.Read(ref _lastApplied);

    public long LastTimestampTicks => _lastTimestamp;

    public Action<Exception>? SnapshotFailed { get; set; }

    /// <summary>Told when a command fails because one of its events cannot be stored (journal sequence, why).</summary>
    public Action<long, string>? EventUnstorable { get; set; }

    public void OnEvent(ref CommandEntry<TCommand, TEvent> entry, long sequence, bool endOfBatch)
    {
        if (entry.Status is AckStatus.Invalid or AckStatus.Duplicate)
        {
            return; // never journaled
        }

        _state.LastSequence = entry.Sequence;
        if (entry.ProducerId != 0)
        {
            _state.Producers[entry.ProducerId] = new ProducerRecord(entry.ProducerSequence, entry.Sequence);
        }

        if (entry.IsTick)
        {
            OnTick(entry);
            Applied(entry, endOfBatch);
            return;
        }

        string? reason = entry.DecodeError;
        if (reason is null)
        {
            EventSink<TEvent> events = entry.Events;
            events.Clear();
            var context = new CommandContext(entry.Sequence, entry.TimestampTicks, entry.ProducerId, entry.ProducerSequence);
            reason = _app.Decide(_state.Application, entry.Command, context, events);
            if (reason is null && _maxPayloadBytes > 0)
            {
                reason = Encode(entry, events);
            }

            if (reason is null)
            {
                Evolve(entry, events);
                if (_streams is not null)
                {
                    _streams.Clear();
                    _streams.OnEvents(events, entry.TimestampTicks);
                    StoreStreamOutputs(entry, events.Count);
                }
            }
            else
            {
                events.Clear(); // a rejected command has no events, whatever the decider emitted
                entry.Encoded.Clear();
            }
        }

        entry.Status = reason is null ? AckStatus.Ok : AckStatus.Rejected;
        entry.Detail = reason ?? string.Empty;
        if (!entry.IsReplay && reason is not null)
        {
            _metrics.Rejected();
        }

        Applied(entry, endOfBatch);
    }

    private void Applied(CommandEntry<TCommand, TEvent> entry, bool endOfBatch)
    {
        _lastTimestamp = entry.TimestampTicks;
        Volatile.Write(ref _lastApplied, entry.Sequence);
        if (_snapshots is not null)
        {
            TrySnapshot(entry);
        }

        if (endOfBatch && _streams is not null)
        {
            Volatile.Write(ref _streamsPending, _streams.Runner.HasPendingWindows);
        }
    }

    private void OnTick(CommandEntry<TCommand, TEvent> entry)
    {
        entry.Status = AckStatus.Ok;
        entry.Detail = string.Empty;
        if (_streams is null)
        {
            return; // flows off: a tick written while they were on changes nothing
        }

        _streams.Clear();
        _streams.OnTick(entry.TimestampTicks);
        StoreStreamOutputs(entry, 0);
    }

    // The flows' results and late events become events of the command (or tick) that produced them, after its own:
    // numbered in their streams and positioned like any other, so the event log, subscriptions and replays see them.
    private void StoreStreamOutputs(CommandEntry<TCommand, TEvent> entry, int index)
    {
        EngineStreams<TEvent> streams = _streams!;
        for (int i = 0; i < streams.Count; i++)
        {
            StreamOutput output = streams[i];
            if (_maxPayloadBytes > 0)
            {
                string? problem = entry.Encoded.Add(output.Type, output.StreamId, streams.Payload(i), _maxPayloadBytes);
                if (problem is not null)
                {
                    StreamOutputUnstorable?.Invoke(entry.Sequence, output.StreamId, problem);
                    continue;
                }
            }

            long position = ++_state.LastPosition;
            if (entry.FirstPosition == 0)
            {
                entry.FirstPosition = position;
            }

            entry.LastPosition = position;
            entry.SetStreamVersion(index++, _state.NextStreamVersion(output.StreamId));
            entry.StreamOutputs.Add(output);
        }
    }

    // Before any event is applied: an event the log cannot take fails its command whole (the state unchanged, no
    // position used), the same way on every replay, instead of leaving the log without an event the state has.
    private string? Encode(CommandEntry<TCommand, TEvent> entry, EventSink<TEvent> events)
    {
        EncodedEvents encoded = entry.Encoded;
        encoded.Clear();
        for (int i = 0; i < events.Count; i++)
        {
            ref readonly TEvent e = ref events[i];
            string? problem = encoded.Add<TApp, TState, TCommand, TEvent>(_app, e, _app.Describe(e), _maxPayloadBytes);
            if (problem is not null)
            {
                EventUnstorable?.Invoke(entry.Sequence, problem);
                return EngineRejectReasons.HandlerFailed;
            }
        }

        return null;
    }

    private void Evolve(CommandEntry<TCommand, TEvent> entry, EventSink<TEvent> events)
    {
        for (int i = 0; i < events.Count; i++)
        {
            ref readonly TEvent e = ref events[i];
            long version = _state.NextStreamVersion(_app.Describe(e).Stream);
            entry.SetStreamVersion(i, version);
            long position = ++_state.LastPosition;
            if (i == 0)
            {
                entry.FirstPosition = position;
            }

            entry.LastPosition = position;
            _app.Evolve(_state.Application, e, new EventContext(entry.Sequence, entry.TimestampTicks, version));
        }
    }

    private void TrySnapshot(CommandEvent entry)
    {
        try
        {
            _snapshots!.OnApplied(entry.Sequence, entry.TimestampTicks, _state);
        }
#pragma warning disable CA1031 // A failed capture must not change the event's outcome; the journal still holds everything.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SnapshotFailed?.Invoke(ex);
        }
    }
}
