using System;

namespace Pipeline.Streams.Hosting;

/// <summary>Where a running stream's results and late events go: the engine stores them as events, a consumer process does what it likes.</summary>
/// <remarks>Called synchronously on the thread that feeds the stream; the payload span is valid only during the call.</remarks>
public interface IStreamOutput
{
    /// <summary>One result (a window's aggregate, or one window's top list).</summary>
    /// <param name="stream">The definition that produced it.</param>
    /// <param name="key">The result's key as text; null for a global window or a top list.</param>
    /// <param name="windowEnd">The end of the result's window (exclusive), in event-time units.</param>
    /// <param name="payload">The result as JSON (docs/streams.md, "Results as events").</param>
    void Result(StreamDefinition stream, string? key, long windowEnd, ReadOnlySpan<byte> payload);

    /// <summary>One late event, sent to the late output (it changed no window).</summary>
    /// <param name="stream">The definition whose window refused it.</param>
    /// <param name="payload">The late event as JSON.</param>
    void Late(StreamDefinition stream, ReadOnlySpan<byte> payload);
}
