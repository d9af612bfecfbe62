using System;
using System.Buffers;

namespace Pipeline.Schemas.Upcasting;

/// <summary>One version step of one type: reads a payload of <see cref="FromVersion"/> as version <see cref="FromVersion"/> + 1.</summary>
/// <remarks>
/// Implementations are pure and deterministic (the same bytes in, the same bytes out, on every thread and every
/// replay) and thread-safe: the engine runs one step on several decode threads at once. The ready-made steps are in
/// <see cref="Upcast"/>.
/// </remarks>
public interface IUpcaster
{
    /// <summary>The type (command or stored event) whose payloads this step reads.</summary>
    string Type { get; }

    /// <summary>The version this step reads; it produces the next one.</summary>
    ushort FromVersion { get; }

    /// <summary>
    /// Writes the next version's payload to <paramref name="output"/> and returns true, or returns false, writing
    /// nothing, when <paramref name="payload"/> already reads as the next version unchanged (no copy is made).
    /// </summary>
    /// <remarks>
    /// Must not throw on a malformed payload: it returns false and leaves the payload to the decoder, which refuses
    /// it as the application always has.
    /// </remarks>
    bool TryUpcast(ReadOnlySpan<byte> payload, IBufferWriter<byte> output);
}
