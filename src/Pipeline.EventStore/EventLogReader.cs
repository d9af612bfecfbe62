using System;
using System.Collections.Generic;
using Pipeline.EventStore.Internal;

namespace Pipeline.EventStore;

/// <summary>
/// Reads the event log forward or backward from any position through cursors, without allocating per event. Safe
/// to use while the writer appends: a cursor sees what the writer has flushed, and stops quietly at a tail that is
/// still being written.
/// </summary>
/// <remarks>
/// A reader and its cursors are for one thread at a time; readers never take the writer's lock. The reader keeps
/// an in-memory sparse index per segment (one entry per <see cref="EventLogOptions.IndexIntervalRecords"/> records,
/// 16 bytes each), learnt as cursors scan: the first read from a position scans its segment from the start, later
/// reads from positions it has passed scan at most one interval.
/// </remarks>
public sealed class EventLogReader
{
    private const int MinBufferBytes = 256 * 1024;

    private readonly EventLogOptions _options;
    private readonly Dictionary<long, SparseIndex> _indexes = [];

    /// <summary>Creates a reader of the event log in <see cref="EventLogOptions.Directory"/> (the writer's options).</summary>
    /// <exception cref="ArgumentException">An option breaks a rule.</exception>
    public EventLogReader(EventLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    internal EventLogOptions Options => _options;

    internal int BufferBytes => Math.Max(MinBufferBytes, _options.MaxRecordBytes);

    /// <summary>
    /// A cursor over the events at <paramref name="fromPosition"/> and after, at most <paramref name="maxCount"/>.
    /// A position past the last event gives a cursor that reads nothing (until the writer gets there).
    /// </summary>
    /// <remarks>Allocates the cursor and its read buffer (at least 256 KiB) once.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    public EventLogCursor ReadForward(long fromPosition, int maxCount = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromPosition, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return new EventLogCursor(this, backward: false, fromPosition, maxCount);
    }

    /// <summary>
    /// A cursor over the event at <paramref name="fromPosition"/> and the ones before it, newest first, at most
    /// <paramref name="maxCount"/>. A position past the last event starts at the last event (so
    /// <c>ReadBackward(long.MaxValue, 10)</c> reads the latest ten).
    /// </summary>
    /// <remarks>Allocates the cursor and its read buffer (at least 256 KiB) once.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    public EventLogCursor ReadBackward(long fromPosition, int maxCount = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromPosition, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return new EventLogCursor(this, backward: true, fromPosition, maxCount);
    }

    // As the public cursors, reading into a buffer a previous cursor of this reader used (null: a new one).
    internal EventLogCursor ReadForward(long fromPosition, int maxCount, byte[]? buffer) => new(this, backward: false, fromPosition, maxCount, buffer);

    internal EventLogCursor ReadBackward(long fromPosition, int maxCount, byte[]? buffer) => new(this, backward: true, fromPosition, maxCount, buffer);

    internal SparseIndex IndexFor(long firstPosition)
    {
        if (!_indexes.TryGetValue(firstPosition, out SparseIndex? index))
        {
            index = new SparseIndex(firstPosition, _options.IndexIntervalRecords);
            _indexes.Add(firstPosition, index);
        }

        return index;
    }

    /// <summary>For tests: the entries learnt for the segment starting at <paramref name="firstPosition"/>.</summary>
    internal int IndexEntries(long firstPosition) => _indexes.TryGetValue(firstPosition, out SparseIndex? index) ? index.Count : 0;
}
