using System;
using System.Collections.Generic;
using System.IO;
using Pipeline.EventStore.Format;
using Pipeline.EventStore.Internal;
using Pipeline.Journal.Format;

namespace Pipeline.EventStore;

/// <summary>Reads events one by one in one direction; each event is a view valid until the next <see cref="TryRead"/>.</summary>
/// <remarks>
/// One thread. Reading allocates nothing per event: records are parsed in place in the cursor's buffer. A forward
/// cursor that returned false at the head goes on from there when called again, so it can follow a live log.
/// </remarks>
public sealed class EventLogCursor : IDisposable
{
    private readonly EventLogReader _reader;
    private readonly bool _backward;
    private int _remaining;
    private long _next; // the position the next TryRead returns
    private bool _located;
    private List<(long FirstPosition, string Path)> _segments = [];
    private int _segmentIndex = -1;
    private SegmentWindow? _segment;
    private SparseIndex? _index;
    private byte[]? _buffer;
    // Forward: the offset of the next record. Backward: the end offset of the next record (the start of the last one returned).
    private long _offset;

    internal EventLogCursor(EventLogReader reader, bool backward, long fromPosition, int maxCount, byte[]? buffer = null)
    {
        _buffer = buffer;
        _reader = reader;
        _backward = backward;
        _next = fromPosition;
        _remaining = maxCount;
    }

    /// <summary>The read buffer, to lend to the next cursor of the same reader (take it before <see cref="Dispose"/>).</summary>
    internal byte[]? Buffer => _segment?.Buffer ?? _buffer;

    /// <summary>The position the next successful <see cref="TryRead"/> returns (backward: once the first event was read).</summary>
    public long NextPosition => _next;

    /// <summary>Reads the next event; false at the head (forward), before position 1 (backward), or after the maximum count.</summary>
    /// <exception cref="EventLogCorruptedException">A damaged record or segment header, or a gap, where whole records must be.</exception>
    public bool TryRead(out EventRecord record)
    {
        record = default;
        if (_remaining <= 0)
        {
            return false;
        }

        return _backward ? TryReadBackward(out record) : TryReadForward(out record);
    }

    private bool TryReadForward(out EventRecord record)
    {
        record = default;
        while (true)
        {
            if (_segment is null && !LocateForward())
            {
                return false;
            }

            SegmentWindow segment = _segment!;
            RecordStatus status = segment.TryReadRecord(_offset, backward: false, out EventRecordHeader header, out ReadOnlySpan<byte> bytes);
            if (status == RecordStatus.Valid)
            {
                _index!.Learn(header.Position, _offset);
                if (header.Position < _next)
                {
                    _offset += header.Length; // from the index entry to the first wanted record
                    continue;
                }

                if (header.Position != _next)
                {
                    throw new EventLogCorruptedException(segment.Path, _offset, _next, $"the record carries position {header.Position}");
                }

                record = View(header, bytes, _offset);
                _offset += header.Length;
                _next++;
                _remaining--;
                return true;
            }

            if (!AdvanceForward(status))
            {
                return false;
            }
        }
    }

    // At the end of the bytes known in this segment, or at a bad record: true when there is more to read.
    private bool AdvanceForward(RecordStatus status)
    {
        SegmentWindow segment = _segment!;
        long known = segment.FileLength;
        if (segment.RefreshLength() || segment.FileLength < known)
        {
            return true; // the writer wrote more since (or a new writer cut a torn tail): read again
        }

        _segments = EventSegmentFiles.List(_reader.Options.Directory);
        int nextIndex = _segmentIndex + 1;
        while (nextIndex < _segments.Count && _segments[nextIndex].FirstPosition <= segment.Header.FirstPosition)
        {
            nextIndex++;
        }

        bool sealedSegment = nextIndex < _segments.Count;
        if (sealedSegment)
        {
            // The writer finishes a segment before it creates the next: this one is whole, so it must end cleanly here.
            if (_offset != segment.FileLength)
            {
                throw new EventLogCorruptedException(segment.Path, _offset, _next, status == RecordStatus.Incomplete
                    ? "a sealed segment ends inside a record"
                    : "the record's length, fields or CRC-32C are wrong");
            }

            (long first, string path) = _segments[nextIndex];
            if (first != _next)
            {
                throw new EventLogCorruptedException(path, 0, _next, $"the next segment starts at position {first}, leaving a gap");
            }

            if (!OpenSegment(nextIndex))
            {
                return false;
            }

            _offset = EventSegmentHeader.Size;
            return true;
        }

        // The last segment: a partial record at the end is one being written (or torn); damage has valid records after it.
        if (status == RecordStatus.Invalid && segment.HasValidRecordAfter(_offset, _next - 1))
        {
            throw new EventLogCorruptedException(segment.Path, _offset, _next, "the record's length, fields or CRC-32C are wrong and valid records follow it");
        }

        return false;
    }

    private bool LocateForward()
    {
        _segments = EventSegmentFiles.List(_reader.Options.Directory);
        int index = EventSegmentFiles.Find(_segments, _next);
        if (index < 0)
        {
            if (_segments.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The event log in '{_reader.Options.Directory}' starts at position {_segments[0].FirstPosition}: position {_next} is not in it.");
            }

            return false;
        }

        if (!OpenSegment(index))
        {
            return false;
        }

        _offset = _index!.FindOffset(_next);
        return true;
    }

    private bool TryReadBackward(out EventRecord record)
    {
        record = default;
        if (!_located)
        {
            _located = true;
            if (!LocateBackward())
            {
                _remaining = 0;
                return false;
            }
        }

        if (_next < 1 || !StepBack(out EventRecordHeader header, out ReadOnlySpan<byte> bytes))
        {
            _remaining = 0;
            return false;
        }

        record = View(header, bytes, _offset);
        _next--;
        _remaining--;
        return true;
    }

    // Finds the end offset of the record at the start position, or of the last record if the start is past it.
    private bool LocateBackward()
    {
        _segments = EventSegmentFiles.List(_reader.Options.Directory);
        int index = EventSegmentFiles.Find(_segments, _next);
        if (index < 0 || !OpenSegment(index))
        {
            return false;
        }

        SegmentWindow segment = _segment!;
        long target = _next;
        long offset = _index!.FindOffset(target);
        long lastPosition = 0;
        long lastEnd = -1;
        while (true)
        {
            if (segment.TryReadRecord(offset, backward: false, out EventRecordHeader header, out _) != RecordStatus.Valid)
            {
                break;
            }

            _index.Learn(header.Position, offset);
            if (header.Position > target || (lastEnd >= 0 && header.Position != lastPosition + 1))
            {
                throw new EventLogCorruptedException(segment.Path, offset, lastEnd >= 0 ? lastPosition + 1 : target, $"the record carries position {header.Position}");
            }

            lastPosition = header.Position;
            lastEnd = offset + header.Length;
            if (header.Position == target)
            {
                _offset = lastEnd;
                return true;
            }

            offset = lastEnd;
        }

        long expectedHere = lastEnd >= 0 ? lastPosition + 1 : segment.Header.FirstPosition;
        bool sealedSegment = index < _segments.Count - 1;
        if (offset < segment.FileLength && (sealedSegment || segment.HasValidRecordAfter(offset, expectedHere - 1)))
        {
            throw new EventLogCorruptedException(segment.Path, offset, expectedHere, "the record's length, fields or CRC-32C are wrong and valid records follow it");
        }

        if (sealedSegment)
        {
            throw new EventLogCorruptedException(segment.Path, offset, expectedHere,
                $"the sealed segment ends before position {target}, which the next segment's name says it holds");
        }

        if (lastEnd >= 0)
        {
            // The start is past the head: begin at the last whole record.
            _next = lastPosition;
            _offset = lastEnd;
            return true;
        }

        if (offset != EventSegmentHeader.Size)
        {
            throw new EventLogCorruptedException(segment.Path, offset, target, "no whole record where the reader's index says one starts");
        }

        // The last segment holds no record yet: the head is the previous segment's last record.
        _next = segment.Header.FirstPosition - 1;
        _offset = EventSegmentHeader.Size;
        return true;
    }

    // Reads the record that ends at _offset, which must carry position _next, moving to the previous segment first
    // when _offset is at the start of this one; leaves _offset at the record's start.
    private bool StepBack(out EventRecordHeader header, out ReadOnlySpan<byte> bytes)
    {
        header = default;
        bytes = default;
        while (_offset == EventSegmentHeader.Size)
        {
            if (_segmentIndex == 0 || !OpenSegment(_segmentIndex - 1))
            {
                return false;
            }

            _offset = _segment!.FileLength;
        }

        SegmentWindow segment = _segment!;
        ReadOnlySpan<byte> trailer = segment.Read(_offset - EventRecordHeader.TrailerSize, EventRecordHeader.TrailerSize, backward: true);
        int length = trailer.Length == EventRecordHeader.TrailerSize ? System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(trailer) : 0;
        long start = _offset - length;
        if (!EventRecordHeader.IsPlausibleLength(length, _reader.Options.MaxRecordBytes) || start < EventSegmentHeader.Size)
        {
            throw new EventLogCorruptedException(segment.Path, _offset - EventRecordHeader.TrailerSize, _next, $"the trailing record length {length} is impossible");
        }

        if (segment.TryReadRecord(start, backward: true, out header, out bytes) != RecordStatus.Valid || header.Length != length)
        {
            throw new EventLogCorruptedException(segment.Path, start, _next, "the record's length, fields or CRC-32C are wrong");
        }

        if (header.Position != _next)
        {
            throw new EventLogCorruptedException(segment.Path, start, _next, $"the record carries position {header.Position}");
        }

        _offset = start;
        return true;
    }

    // Opens the segment at index in _segments; false only for a last segment whose header is not written yet.
    private bool OpenSegment(int index)
    {
        (long first, string path) = _segments[index];
        if (_segment is not null)
        {
            _buffer = _segment.Buffer;
            _segment.Dispose();
            _segment = null;
        }

        SegmentWindow? segment;
        try
        {
            segment = SegmentWindow.TryOpen(path, _reader.BufferBytes, _reader.Options.MaxRecordBytes, out string? problem, _buffer);
            if (segment is null)
            {
                if (index == _segments.Count - 1 && new FileInfo(path).Length < EventSegmentHeader.Size)
                {
                    return false; // the writer is creating it: nothing in it yet
                }

                throw new EventLogCorruptedException(path, 0, first, problem!);
            }
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        if (segment.Header.FirstPosition != first)
        {
            segment.Dispose();
            throw new EventLogCorruptedException(path, 0, first, $"the segment's header says it starts at position {segment.Header.FirstPosition}");
        }

        _segment = segment;
        _segmentIndex = index;
        _index = _reader.IndexFor(first);
        return true;
    }

    private static EventRecord View(scoped in EventRecordHeader header, ReadOnlySpan<byte> bytes, long offset) => new(
        header.Position,
        header.CommandSequence,
        header.TimestampTicks,
        header.ProducerId,
        header.StreamVersion,
        header.SchemaVersion,
        bytes.Slice(EventRecordHeader.FixedSize, header.TypeLength),
        bytes.Slice(header.StreamIdOffset, header.StreamIdLength),
        bytes.Slice(header.PayloadOffset, header.PayloadLength),
        offset,
        header.Length);

    /// <summary>Closes the open segment.</summary>
    public void Dispose()
    {
        _segment?.Dispose();
        _segment = null;
    }
}
