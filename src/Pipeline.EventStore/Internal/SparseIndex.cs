using System;
using Pipeline.EventStore.Format;

namespace Pipeline.EventStore.Internal;

/// <summary>
/// The in-memory sparse index of one segment: the byte offset of every Nth record (by position), learnt while
/// the segment is scanned. 16 bytes per entry; a 64 MiB segment of 200-byte events at N = 1024 needs about 330
/// entries (5 KiB).
/// </summary>
/// <remarks>Single-threaded (a reader and its cursors are used by one thread at a time).</remarks>
internal sealed class SparseIndex
{
    private readonly long _firstPosition;
    private readonly int _interval;
    private long[] _positions = new long[16];
    private long[] _offsets = new long[16];
    private int _count;

    public SparseIndex(long firstPosition, int interval)
    {
        _firstPosition = firstPosition;
        _interval = interval;
    }

    public int Count => _count;

    /// <summary>Records where <paramref name="position"/> starts if it falls on the interval and is not indexed yet.</summary>
    public void Learn(long position, long offset)
    {
        if ((position - _firstPosition) % _interval != 0 || (_count > 0 && position <= _positions[_count - 1]))
        {
            return;
        }

        if (_count == _positions.Length)
        {
            Array.Resize(ref _positions, _count * 2);
            Array.Resize(ref _offsets, _count * 2);
        }

        _positions[_count] = position;
        _offsets[_count] = offset;
        _count++;
    }

    /// <summary>The offset of the latest indexed record at or before <paramref name="position"/>, else the segment's first record.</summary>
    public long FindOffset(long position)
    {
        int index = Array.BinarySearch(_positions, 0, _count, position);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index < 0 ? EventSegmentHeader.Size : _offsets[index];
    }
}
