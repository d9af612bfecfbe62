using System;
using System.Buffers;

namespace Pipeline.Streams.Operators;

/// <summary>The part of an operator that does not depend on its input type: ticks, state and counters walk the chain through it.</summary>
internal abstract class Stage
{
    public abstract void OnTick(long time);

    public abstract void Save(IBufferWriter<byte> output);

    public abstract void Load(ref ReadOnlySpan<byte> input);

    public abstract long LateEventCount { get; }

    /// <summary>Whether some window holds data and has not been emitted yet (a tick would eventually close it).</summary>
    public abstract bool HasPendingWindows { get; }
}
