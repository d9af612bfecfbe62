using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;
using Pipeline.EventStore.Format;
using Pipeline.EventStore.Internal;
using RecordStatus = Pipeline.Journal.Format.RecordStatus;

namespace Pipeline.EventStore;

/// <summary>Reads the events an <see cref="EventIndex"/> query found, one by one; each is a view valid until the next <see cref="TryRead"/>.</summary>
/// <remarks>
/// One thread. Works one segment at a time: looks up its index entries for the key, then reads each record (a copy
/// out of the index's memory mapping of a sealed segment read before; one positional read of 1 KiB, more only for a
/// larger record, in the last segment and a segment's first read; when the first record of a segment came from the
/// disk, the pages of the others are asked for at once), verifies it (CRC, position) and keeps it only if its stream id or type really is
/// the one asked for (different keys can share a 64-bit hash). Allocates per segment, not per event. Dispose it:
/// it pins the mapping of the segment it is reading.
/// </remarks>
public sealed class EventIndexCursor : IDisposable
{
    // Holds most records whole, so a positional read of the last segment seldom needs a second one.
    private const int InitialBufferBytes = 1024;

    private readonly EventIndex _index;
    private readonly IndexQuery _query;
    private readonly byte[]? _name;
    private readonly ulong _key;
    private readonly long _from;
    private readonly List<IndexHit> _hits = [];
    private int _remaining;
    private List<(long FirstPosition, string Path)>? _segments;
    private int _segment = -1;
    private int _hit;
    private SafeFileHandle? _handle;
    private SegmentMapping? _mapping;
    private string _path = "";
    private byte[] _buffer = new byte[InitialBufferBytes];

    internal EventIndexCursor(EventIndex index, IndexQuery query, byte[]? name, ulong key, long from, int maxCount)
    {
        _index = index;
        _query = query;
        _name = name;
        _key = key;
        _from = from;
        _remaining = maxCount;
    }

    /// <summary>Reads the next matching event; false when there are no more (or after the maximum count).</summary>
    /// <exception cref="EventLogCorruptedException">A record is not where (or what) the index says.</exception>
    public bool TryRead(out EventRecord record)
    {
        record = default;
        while (_remaining > 0)
        {
            if (_hit == _hits.Count)
            {
                if (!NextSegment())
                {
                    _remaining = 0;
                    return false;
                }

                continue;
            }

            IndexHit hit = _hits[_hit++];
            ReadOnlySpan<byte> bytes = ReadRecord(hit, out EventRecordHeader header);
            ReadOnlySpan<byte> type = bytes.Slice(EventRecordHeader.FixedSize, header.TypeLength);
            ReadOnlySpan<byte> streamId = bytes.Slice(header.StreamIdOffset, header.StreamIdLength);
            bool match = _query switch
            {
                IndexQuery.Stream => streamId.SequenceEqual(_name) && header.StreamVersion >= _from,
                IndexQuery.Type => type.SequenceEqual(_name),
                _ => header.ProducerId == _key,
            };
            if (!match)
            {
                continue; // another key with the same hash
            }

            record = new EventRecord(
                header.Position,
                header.CommandSequence,
                header.TimestampTicks,
                header.ProducerId,
                header.StreamVersion,
                header.SchemaVersion,
                type,
                streamId,
                bytes.Slice(header.PayloadOffset, header.PayloadLength),
                hit.Offset,
                header.Length);
            _remaining--;
            return true;
        }

        return false;
    }

    private bool NextSegment()
    {
        _segments ??= EventSegmentFiles.List(_index.Options.Directory);
        while (++_segment < _segments.Count)
        {
            // Position queries skip the segments that end before the start position.
            if (_query != IndexQuery.Stream && _segment + 1 < _segments.Count && _segments[_segment + 1].FirstPosition <= _from)
            {
                continue;
            }

            _index.Collect(_query, _key, _from, _segments, _segment, _hits);
            _hit = 0;
            if (_hits.Count == 0)
            {
                continue;
            }

            CloseSegment();
            _path = _segments[_segment].Path;
            _mapping = _index.AcquireMapping(_segments, _segment);
            if (_mapping is null)
            {
                _handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }

            return true;
        }

        CloseSegment(); // done: do not keep the last segment pinned until Dispose
        return false;
    }

    private ReadOnlySpan<byte> ReadRecord(IndexHit hit, out EventRecordHeader header)
    {
        int maxRecordBytes = _index.Options.MaxRecordBytes;
        int read;
        if (_mapping is not null)
        {
            // Copies exactly the record (its length prefix says how long); a length that is not plausible, or a
            // record cut off by the end of the segment, fails the checks below like a bad positional read does.
            // The first record of a segment is timed: a copy that took a page fault served from the disk (the page
            // cache dropped, a fresh process) makes the cursor ask for the pages of the segment's other hits at once,
            // so the disk reads them in parallel instead of one fault at a time. Only a heuristic: it never changes
            // what is read, and a cached segment costs two clock reads, no system call.
            long started = _hit == 1 ? Stopwatch.GetTimestamp() : 0;
            int length = _mapping.ReadInt32(hit.Offset);
            if (started != 0 && Stopwatch.GetTimestamp() - started > _index.SlowCopyTicks)
            {
                PrefetchHitsSlow();
            }

            if (!EventRecordHeader.IsPlausibleLength(length, maxRecordBytes))
            {
                length = sizeof(int);
            }

            if (length > _buffer.Length)
            {
                _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
            }

            read = _mapping.Read(hit.Offset, _buffer.AsSpan(0, length));
        }
        else
        {
            long started = _hit == 1 ? Stopwatch.GetTimestamp() : 0; // as above: a slow first read came from the disk
            read = Read(_buffer, hit.Offset);
            if (started != 0 && Stopwatch.GetTimestamp() - started > _index.SlowCopyTicks)
            {
                PrefetchHitsSlow();
            }

            int length = read >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(_buffer) : 0;
            if (EventRecordHeader.IsPlausibleLength(length, maxRecordBytes) && length > _buffer.Length)
            {
                _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
                read = Read(_buffer, hit.Offset);
            }
        }

        if (EventRecordHeader.TryRead(_buffer.AsSpan(0, read), maxRecordBytes, out header) != RecordStatus.Valid || header.Position != hit.Position)
        {
            throw new EventLogCorruptedException(_path, hit.Offset, hit.Position, "no valid record with this position where the index says it is");
        }

        return _buffer.AsSpan(0, header.Length);
    }

    // madvise(MADV_WILLNEED), or posix_fadvise for positional reads, of the pages of the hits not read yet (the first InitialBufferBytes of each record: most
    // records whole), adjacent ranges merged into one call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PrefetchHitsSlow()
    {
        long pageSize = Environment.SystemPageSize;
        long from = -1;
        long to = -1;
        for (int i = _hit; i < _hits.Count; i++)
        {
            long start = _hits[i].Offset & ~(pageSize - 1);
            long end = _hits[i].Offset + InitialBufferBytes;
            if (from >= 0 && start <= to)
            {
                to = Math.Max(to, end);
                continue;
            }

            if (from >= 0)
            {
                WillNeed(from, to - from);
            }

            from = start;
            to = end;
        }

        if (from >= 0)
        {
            WillNeed(from, to - from);
        }

        PrefetchCount++;
    }

    private void WillNeed(long offset, long length)
    {
        if (_mapping is not null)
        {
            _mapping.WillNeed(offset, length);
        }
        else
        {
            SegmentMapping.WillNeed(_handle!, offset, length);
        }
    }

    /// <summary>For tests and the perf harness: how many times a slow first copy made the cursor prefetch a segment's hits.</summary>
    internal int PrefetchCount { get; private set; }

    private int Read(byte[] buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(_handle!, buffer.AsSpan(total), offset + total);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private void CloseSegment()
    {
        _handle?.Dispose();
        _handle = null;
        _mapping?.Release();
        _mapping = null;
    }

    /// <summary>Closes the open segment (or lets go of its mapping).</summary>
    public void Dispose() => CloseSegment();
}
