using System;
using System.Collections.Generic;
using Pipeline.Journal.Format;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal;

/// <summary>Reads records in sequence order; a record is a view valid until the next <see cref="TryRead"/>.</summary>
/// <remarks>
/// One thread. <see cref="TryRead"/> returns false at the end of what is there (or at the upper bound); called
/// again later, it goes on from where it stopped, so a cursor can follow a journal that is still being written.
/// </remarks>
public sealed class JournalCursor : IDisposable
{
    private readonly string _directory;
    private readonly int _maxRecordBytes;
    private readonly int _bufferBytes;
    private long _upperBound;
    private SegmentReader? _segment;
    private long _segmentFirst;
    private long _next;

    internal JournalCursor(string directory, int maxRecordBytes, int bufferBytes, long fromSequence, long toSequence)
    {
        _directory = directory;
        _maxRecordBytes = maxRecordBytes;
        _bufferBytes = bufferBytes;
        _next = fromSequence;
        _upperBound = toSequence;
    }

    /// <summary>The sequence the next <see cref="TryRead"/> returns.</summary>
    public long NextSequence => _next;

    /// <summary>Raises the upper bound, e.g. to the writer's new durable sequence when following a live journal.</summary>
    public void ExtendTo(long toSequence) => _upperBound = Math.Max(_upperBound, toSequence);

    /// <summary>Reads the next record; false at the end of the journal or past the upper bound.</summary>
    /// <exception cref="JournalCorruptedException">A damaged record, or a gap, at or below the upper bound.</exception>
    public bool TryRead(out JournalRecord record)
    {
        record = default;
        if (_next > _upperBound)
        {
            return false;
        }

        while (true)
        {
            if (_segment is null && !OpenSegmentFor(_next))
            {
                return false;
            }

            SegmentReader segment = _segment!;
            long position = segment.Position;
            RecordStatus status = segment.TryReadNext(out RecordHeader header, out ReadOnlySpan<byte> bytes);
            if (status == RecordStatus.Valid)
            {
                if (header.Sequence < _next)
                {
                    continue; // skipping from the index entry to the first wanted record
                }

                if (header.Sequence != _next)
                {
                    throw new JournalCorruptedException(segment.Path, position, _next, $"the record carries sequence {header.Sequence}");
                }

                record = new JournalRecord(
                    header.Sequence,
                    header.TimestampTicks,
                    header.ProducerId,
                    header.ProducerSequence,
                    header.SchemaVersion,
                    bytes.Slice(RecordHeader.Size, header.TypeLength),
                    bytes.Slice(RecordHeader.Size + header.TypeLength, header.PayloadLength),
                    position);
                _next++;
                return true;
            }

            if (status == RecordStatus.Invalid)
            {
                // A reader without a bound may race the writer's write of the tail; damage is what has valid records after it.
                if (_upperBound != long.MaxValue || IsSealed() || segment.HasValidRecordAfter(position, _next - 1))
                {
                    throw new JournalCorruptedException(segment.Path, position, _next, "the record's length or CRC-32C is wrong");
                }

                return false;
            }

            // The bytes of this segment ran out: the next segment starts here, or the writer has not written more yet.
            if (TryMoveToNextSegment())
            {
                continue;
            }

            long before = segment.FileLength;
            segment.RefreshLength();
            if (segment.FileLength > before)
            {
                continue;
            }

            if (_upperBound != long.MaxValue)
            {
                // Everything up to the bound is durable, hence wholly written: not finding it means damage.
                throw new JournalCorruptedException(segment.Path, position, _next, "the journal ends before the expected durable sequence");
            }

            return false;
        }
    }

    private bool IsSealed()
    {
        foreach ((long first, _) in SegmentFiles.List(_directory))
        {
            if (first > _segmentFirst)
            {
                return true;
            }
        }

        return false;
    }

    private bool OpenSegmentFor(long sequence)
    {
        List<(long FirstSequence, string Path)> segments = SegmentFiles.List(_directory);
        int chosen = -1;
        for (int i = 0; i < segments.Count; i++)
        {
            if (segments[i].FirstSequence <= sequence)
            {
                chosen = i;
            }
        }

        if (chosen < 0)
        {
            return false;
        }

        (long first, string path) = segments[chosen];
        SegmentReader reader = SegmentReader.TryOpen(path, _bufferBytes, _maxRecordBytes, out string? problem)
            ?? throw new JournalCorruptedException(path, 0, sequence, problem!);
        if (SegmentIndexFile.TryRead(SegmentFiles.IndexPath(path), out SegmentIndexData index) && index.FirstSequence == first)
        {
            if (sequence > index.LastSequence && chosen < segments.Count - 1)
            {
                reader.Dispose();
                return false;
            }

            reader.Seek(index.FindPosition(sequence));
        }

        _segment = reader;
        _segmentFirst = first;
        return true;
    }

    private bool TryMoveToNextSegment()
    {
        List<(long FirstSequence, string Path)> segments = SegmentFiles.List(_directory);
        foreach ((long first, string path) in segments)
        {
            if (first > _segmentFirst)
            {
                // The writer finishes a segment before it creates the next one, so the current segment may have
                // grown since this cursor last read its length: read what it holds now before moving on.
                long before = _segment!.FileLength;
                _segment.RefreshLength();
                if (_segment.FileLength > before)
                {
                    return true;
                }

                if (first != _next)
                {
                    throw new JournalCorruptedException(path, 0, _next, $"the next segment starts at sequence {first}, leaving a gap");
                }

                _segment.Dispose();
                _segment = null;
                return OpenSegmentFor(_next);
            }
        }

        return false;
    }

    /// <summary>Closes the open segment.</summary>
    public void Dispose()
    {
        _segment?.Dispose();
        _segment = null;
    }
}
