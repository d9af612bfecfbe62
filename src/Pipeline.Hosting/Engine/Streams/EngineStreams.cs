using System;
using System.Buffers;
using System.Collections.Generic;
using Pipeline.Application;
using Pipeline.Streams.Hosting;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The application's stream-processing flows as the engine runs them: fed on the application stage's thread after
/// each accepted command's events (event time: the journal timestamp) and by tick records; what they produce is
/// collected here, per command, for the stage to number and store as events.
/// </summary>
/// <remarks>One per <see cref="EngineState{TState}"/>; its flows' state is part of the snapshot (<see cref="IEngineStatePart"/>).</remarks>
internal sealed class EngineStreams<TEvent> : IStreamOutput, IEngineStatePart
{
    private readonly Dictionary<StreamDefinition, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly EventType[] _resultTypes;
    private readonly EventType[] _lateTypes;
    private readonly ArrayBufferWriter<byte> _bytes = new(1024);
    private readonly List<StreamOutput> _outputs = new(8);

    public EngineStreams(IReadOnlyList<StreamDefinition<TEvent>> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        Definitions = definitions;
        _resultTypes = new EventType[definitions.Count];
        _lateTypes = new EventType[definitions.Count];
        for (int i = 0; i < definitions.Count; i++)
        {
            _index.Add(definitions[i], i);
            _resultTypes[i] = new EventType(definitions[i].Name);
            _lateTypes[i] = new EventType(definitions[i].LateType);
        }

        Runner = new StreamRunner<TEvent>(definitions, this);
    }

    public IReadOnlyList<StreamDefinition<TEvent>> Definitions { get; }

    public StreamRunner<TEvent> Runner { get; }

    /// <summary>What the flows produced since <see cref="Clear"/>, in order.</summary>
    public int Count => _outputs.Count;

    public StreamOutput this[int index] => _outputs[index];

    public ReadOnlySpan<byte> Payload(int index) => _bytes.WrittenSpan.Slice(_outputs[index].PayloadStart, _outputs[index].PayloadLength);

    /// <summary>Late events of each flow so far (replays included: the count is the flows' state, not this process's).</summary>
    public long LateEvents(int stream) => Runner.Streams[stream].LateEventCount;

    public void Clear()
    {
        _outputs.Clear();
        _bytes.ResetWrittenCount();
    }

    /// <summary>
    /// Feeds an accepted command's events, then its time as a tick: a flow whose filter drops every event of the
    /// command still sees journal time pass (the deposit windows close while only withdrawals come).
    /// </summary>
    public void OnEvents(EventSink<TEvent> events, long time)
    {
        for (int i = 0; i < events.Count; i++)
        {
            Runner.OnEvent(events[i], time);
        }

        if (events.Count > 0)
        {
            Runner.OnTick(time);
        }
    }

    public void OnTick(long time) => Runner.OnTick(time);

    public void Result(StreamDefinition stream, string? key, long windowEnd, ReadOnlySpan<byte> payload)
    {
        int index = _index[stream];
        Add(new StreamOutput(index, _resultTypes[index], stream.Name, key, windowEnd, false, 0, 0), payload);
    }

    public void Late(StreamDefinition stream, ReadOnlySpan<byte> payload)
    {
        int index = _index[stream];
        Add(new StreamOutput(index, _lateTypes[index], stream.LateType, null, 0, true, 0, 0), payload);
    }

    private void Add(StreamOutput output, ReadOnlySpan<byte> payload)
    {
        int start = _bytes.WrittenCount;
        _bytes.Write(payload);
        _outputs.Add(output with { PayloadStart = start, PayloadLength = payload.Length });
    }

    public byte[] Capture()
    {
        var state = new ArrayBufferWriter<byte>();
        Runner.Snapshot(state);
        return state.WrittenSpan.ToArray();
    }

    public void Restore(ReadOnlySpan<byte> state) => Runner.Restore(state);
}

/// <summary>One result or late event a flow produced: its stored type and stream, and where the view files it.</summary>
internal readonly record struct StreamOutput(int Stream, EventType Type, string StreamId, string? Key, long WindowEnd, bool IsLate, int PayloadStart, int PayloadLength);

/// <summary>A part of the engine's snapshot owned by something other than the application (today: the flows' state).</summary>
internal interface IEngineStatePart
{
    /// <summary>The part's state, copied on the application thread.</summary>
    byte[] Capture();

    /// <summary>Replaces the part's state.</summary>
    /// <exception cref="System.IO.InvalidDataException">The bytes do not fit this part.</exception>
    void Restore(ReadOnlySpan<byte> state);
}
