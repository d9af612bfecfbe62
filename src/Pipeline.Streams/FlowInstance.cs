using System;
using System.Buffers;
using Pipeline.Streams.Operators;

namespace Pipeline.Streams;

/// <summary>The runnable flow: a header around the operator chain's state.</summary>
/// <remarks>
/// Snapshot layout, version 1 (little-endian):
/// <code>
/// offset  size  field
///      0     4  magic 0x52545350 ("PSTR")
///      4     4  FormatVersion (1)
///      8     -  each stateful operator's state, in chain order (see docs/streams.md)
/// </code>
/// </remarks>
internal sealed class FlowInstance<T> : IFlow<T>
{
    public const int Magic = 0x52545350;
    public const int FormatVersion = 1;

    private readonly Operator<T> _head;

    public FlowInstance(Operator<T> head)
    {
        _head = head;
    }

    public long LateEventCount => _head.LateEventCount;

    public bool HasPendingWindows => _head.HasPendingWindows;

    public void OnEvent(in T value, long eventTime) => _head.OnEvent(value, eventTime);

    public void OnTick(long time) => _head.OnTick(time);

    public void Snapshot(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        StateBinary.WriteInt32(output, Magic);
        StateBinary.WriteInt32(output, FormatVersion);
        _head.Save(output);
    }

    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        if (StateBinary.ReadInt32(ref snapshot) != Magic)
        {
            throw ThrowHelper.BadSnapshot("not a flow snapshot: the magic number differs");
        }

        int version = StateBinary.ReadInt32(ref snapshot);
        if (version != FormatVersion)
        {
            throw ThrowHelper.BadSnapshot($"snapshot format version {version} is not supported (expected {FormatVersion})");
        }

        _head.Load(ref snapshot);
        if (!snapshot.IsEmpty)
        {
            throw ThrowHelper.BadSnapshot("the snapshot has bytes after the flow's state: it was taken from a different plan");
        }
    }
}
