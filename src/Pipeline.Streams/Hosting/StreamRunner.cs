using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;

namespace Pipeline.Streams.Hosting;

/// <summary>
/// Runs a set of <see cref="StreamDefinition{TEvent}"/>s over one event sequence: what the engine runs after its
/// application's decisions, and what a consumer process runs over a subscription. Same input, same output.
/// </summary>
/// <remarks>One thread. Every stream sees every event, in the order given; ticks go to every stream.</remarks>
public sealed class StreamRunner<TEvent>
{
    private const int Magic = 0x4E525350; // "PSRN"
    private const int Format = 1;
    private readonly RunningStream<TEvent>[] _streams;

    /// <summary>Starts every definition, in order, sending their results to <paramref name="output"/>.</summary>
    public StreamRunner(IReadOnlyList<StreamDefinition<TEvent>> definitions, IStreamOutput output)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(output);
        var names = new HashSet<string>(StringComparer.Ordinal);
        _streams = new RunningStream<TEvent>[definitions.Count];
        for (int i = 0; i < _streams.Length; i++)
        {
            StreamDefinition<TEvent> definition = definitions[i];
            if (!names.Add(definition.Name) || !names.Add(definition.LateType))
            {
                throw new ArgumentException($"Two streams are named '{definition.Name}' (or one's name is another's late output).", nameof(definitions));
            }

            _streams[i] = definition.Start(output);
        }
    }

    /// <summary>The running streams, in definition order.</summary>
    public IReadOnlyList<RunningStream<TEvent>> Streams => _streams;

    /// <summary>Whether any stream has a window waiting to close (a host writes idle ticks only then).</summary>
    public bool HasPendingWindows
    {
        get
        {
            foreach (RunningStream<TEvent> stream in _streams)
            {
                if (stream.HasPendingWindows)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Feeds one event to every stream.</summary>
    public void OnEvent(in TEvent value, long eventTime)
    {
        foreach (RunningStream<TEvent> stream in _streams)
        {
            stream.OnEvent(value, eventTime);
        }
    }

    /// <summary>Advances every stream's watermark to <paramref name="time"/> without data.</summary>
    public void OnTick(long time)
    {
        foreach (RunningStream<TEvent> stream in _streams)
        {
            stream.OnTick(time);
        }
    }

    /// <summary>
    /// Feeds one event read back from the event store (a subscription, a READ), in position order: an application
    /// event (<paramref name="decoded"/> true) as an event at its timestamp followed by a tick at it, anything else (a
    /// window result stored at the time of the tick or command that closed it) as a tick at its timestamp. The
    /// engine feeds a command's events and then ticks every flow at the command's time; all events of a command
    /// share that time, so ticking after each of them closes the same windows in the same order. A consumer fed
    /// this way produces the service's results: the only ticks it does not see are those that closed no window,
    /// and journal time never goes back, so skipping them changes nothing.
    /// </summary>
    public void OnStored(bool decoded, in TEvent value, long timestampTicks)
    {
        if (decoded)
        {
            OnEvent(value, timestampTicks);
        }

        OnTick(timestampTicks);
    }

    /// <summary>Every stream's state: magic "PSRN", format 1, count, then per stream its name and its state's length and bytes.</summary>
    public void Snapshot(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        StateBinary.WriteInt32(output, Magic);
        StateBinary.WriteInt32(output, Format);
        StateBinary.WriteInt32(output, _streams.Length);
        var state = new ArrayBufferWriter<byte>();
        foreach (RunningStream<TEvent> stream in _streams)
        {
            state.ResetWrittenCount();
            stream.Snapshot(state);
            StateBinary.WriteString(output, stream.Definition.Name);
            StateBinary.WriteInt32(output, state.WrittenCount);
            output.Write(state.WrittenSpan);
        }
    }

    /// <summary>Restores what <see cref="Snapshot"/> wrote, for the same definitions in the same order.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a runner's state, or name other streams.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        if (StateBinary.ReadInt32(ref snapshot) != Magic)
        {
            throw new InvalidDataException("Not a stream runner's state (the magic number differs).");
        }

        int format = StateBinary.ReadInt32(ref snapshot);
        if (format != Format)
        {
            throw new InvalidDataException($"Stream runner state format {format} is not supported (expected {Format}).");
        }

        int count = StateBinary.ReadInt32(ref snapshot);
        if (count != _streams.Length)
        {
            throw new InvalidDataException($"The state holds {count} streams; this service runs {_streams.Length}.");
        }

        foreach (RunningStream<TEvent> stream in _streams)
        {
            string? name = StateBinary.ReadString(ref snapshot);
            if (name != stream.Definition.Name)
            {
                throw new InvalidDataException($"The state holds stream '{name}' where this service runs '{stream.Definition.Name}'.");
            }

            int length = StateBinary.ReadInt32(ref snapshot);
            if (length < 0 || length > snapshot.Length)
            {
                throw new InvalidDataException($"Stream '{name}': state length {length} runs past the end.");
            }

            stream.Restore(snapshot[..length]);
            snapshot = snapshot[length..];
        }

        if (!snapshot.IsEmpty)
        {
            throw new InvalidDataException("The streams' state has bytes after its last stream.");
        }
    }
}
