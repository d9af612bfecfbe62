using System;
using System.Buffers;

namespace Pipeline.Schemas.Upcasting;

/// <summary>
/// The scratch space of <see cref="UpcasterChain.Upcast(int, ushort, ReadOnlySpan{byte}, UpcastBuffers, out ushort)"/>:
/// two buffers that consecutive steps write in turn (each step reads the other's output), kept and reused.
/// </summary>
/// <remarks>
/// Not thread-safe: one per thread (the engine keeps one per decode handler). A span returned by an upcast points
/// into these buffers and is valid until the next upcast with the same scratch.
/// </remarks>
public sealed class UpcastBuffers
{
    private readonly ArrayBufferWriter<byte> _first;
    private readonly ArrayBufferWriter<byte> _second;

    /// <summary>Two buffers of <paramref name="initialCapacityBytes"/> each; they grow to the largest payload upcast.</summary>
    public UpcastBuffers(int initialCapacityBytes = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacityBytes);
        _first = new ArrayBufferWriter<byte>(initialCapacityBytes);
        _second = new ArrayBufferWriter<byte>(initialCapacityBytes);
    }

    // 0: the caller's payload; 1 or 2: the buffer holding the current version.
    internal ArrayBufferWriter<byte> Target(int current)
    {
        ArrayBufferWriter<byte> target = current == 1 ? _second : _first;
        target.ResetWrittenCount();
        return target;
    }

    internal static int Next(int current) => current == 1 ? 2 : 1;
}
