using System.Collections.Generic;
using Pipeline.Journal.Format;

namespace Pipeline.Journal.Internal;

// Collects every Nth record's (sequence, position) of the segment being written; sealed into a .index file.
internal sealed class SparseIndexBuilder
{
    private readonly int _interval;
    private readonly List<long> _sequences = [];
    private readonly List<long> _positions = [];
    private int _sinceLast;

    public SparseIndexBuilder(int interval)
    {
        _interval = interval;
        _sinceLast = interval; // the first record of a segment is always indexed
    }

    public void Add(long sequence, long position)
    {
        if (++_sinceLast >= _interval)
        {
            _sequences.Add(sequence);
            _positions.Add(position);
            _sinceLast = 0;
        }
    }

    public SegmentIndexData Build(long firstSequence, long lastSequence, long endPosition) =>
        new(firstSequence, lastSequence, endPosition, [.. _sequences], [.. _positions]);
}
