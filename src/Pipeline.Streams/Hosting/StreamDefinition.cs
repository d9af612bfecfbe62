using System;
using System.Text.Json;

namespace Pipeline.Streams.Hosting;

/// <summary>Writes a value as JSON (the result's <c>value</c>, or a late event's <c>event</c>).</summary>
public delegate void JsonValueWriter<T>(Utf8JsonWriter writer, in T value);

/// <summary>
/// A named stream-processing flow whose results are events: the same definition runs inside the engine (as a
/// sequenced handler after the application's decision, its results stored in the event store) and in a consumer
/// process fed by a subscription (<see cref="StreamRunner{TEvent}"/>). Time is event time in .NET ticks (the
/// journal's timestamps).
/// </summary>
public abstract class StreamDefinition
{
    private protected StreamDefinition(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.StartsWith('$') || System.Text.Encoding.UTF8.GetByteCount(name) > 200)
        {
            throw new ArgumentException($"A stream's name is 1..200 UTF-8 bytes and does not start with '$' (reserved for the engine): '{name}'.", nameof(name));
        }

        Name = name;
        LateType = name + ".late";
    }

    /// <summary>The stream's name: also the stored type and the stream id of its results.</summary>
    public string Name { get; }

    /// <summary>The stored type and stream id of its late events: <see cref="Name"/> + <c>.late</c>.</summary>
    public string LateType { get; }

    /// <summary>Whether each window gives one top list (<c>top</c>) instead of one result per key.</summary>
    public abstract int Top { get; }
}

/// <summary>A stream-processing definition over the application's events.</summary>
/// <typeparam name="TEvent">The application's event.</typeparam>
public abstract class StreamDefinition<TEvent> : StreamDefinition
{
    private protected StreamDefinition(string name)
        : base(name)
    {
    }

    /// <summary>Builds a fresh, running instance that sends what it produces to <paramref name="output"/>.</summary>
    public abstract RunningStream<TEvent> Start(IStreamOutput output);
}

/// <summary>A started <see cref="StreamDefinition{TEvent}"/>: fed events and ticks in log order on one thread.</summary>
public abstract class RunningStream<TEvent>
{
    private protected RunningStream()
    {
    }

    /// <summary>What was started.</summary>
    public abstract StreamDefinition<TEvent> Definition { get; }

    /// <summary>Feeds one event with its event time (the engine: its command's journal timestamp).</summary>
    public abstract void OnEvent(in TEvent value, long eventTime);

    /// <summary>Advances the watermark without data (the engine: a tick record of the journal).</summary>
    public abstract void OnTick(long time);

    /// <summary>Whether a window holds events and waits to close.</summary>
    public abstract bool HasPendingWindows { get; }

    /// <summary>Late events so far (sent to the late output).</summary>
    public abstract long LateEventCount { get; }

    /// <summary>The flow's state (docs/streams.md, "State and replay").</summary>
    public abstract void Snapshot(System.Buffers.IBufferWriter<byte> output);

    /// <summary>Replaces the state with one <see cref="Snapshot"/> wrote.</summary>
    public abstract void Restore(ReadOnlySpan<byte> snapshot);
}
