using System;
using System.Buffers;

namespace Pipeline.Streams;

/// <summary>A built, runnable flow: feed it events and ticks, in event order of the log.</summary>
/// <remarks>Single-threaded: one thread feeds a flow and its sinks are called on that thread. Once built,
/// <see cref="OnEvent"/> and <see cref="OnTick"/> allocate nothing in steady state (window state grows only with new keys).</remarks>
public interface IFlow<T>
{
    /// <summary>Feeds one event with its event time (the unit of time is the caller's; see docs/streams.md).</summary>
    void OnEvent(in T value, long eventTime);

    /// <summary>Advances the watermark as an event at <paramref name="time"/> would, without data (an idle-input heartbeat).</summary>
    void OnTick(long time);

    /// <summary>Events that arrived after their window had closed and went to the late output.</summary>
    long LateEventCount { get; }

    /// <summary>
    /// Whether some window holds events and has not been emitted yet: what a host asks before writing an idle tick
    /// (no window waiting, no tick needed). False for flows without windows.
    /// </summary>
    bool HasPendingWindows { get; }

    /// <summary>Writes the flow's whole state in the versioned layout described in docs/streams.md.</summary>
    /// <exception cref="NotSupportedException">A key or accumulator type has no serializer.</exception>
    void Snapshot(IBufferWriter<byte> output);

    /// <summary>Replaces the flow's state with a snapshot taken from a flow built from the same plan.</summary>
    /// <exception cref="System.IO.InvalidDataException">The snapshot is not in a known layout or does not match this flow.</exception>
    void Restore(ReadOnlySpan<byte> snapshot);
}
