using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.EventStore.Format;
using Pipeline.EventStore.Internal;
using RecordStatus = Pipeline.Journal.Format.RecordStatus;

namespace Pipeline.EventStore;

/// <summary>
/// Finds events by stream, type, producer or time through the event log's index files (one per sealed segment)
/// and an in-memory index of the segment still being written.
/// </summary>
/// <remarks>
/// One thread at a time, like <see cref="EventLogReader"/>; never takes the writer's lock. Memory: for each sealed
/// segment it has used, the index header and the block tables of the sections it searched (24 bytes per 512
/// entries of each); for the
/// last segment, 80 bytes per record (bounded by <see cref="EventLogOptions.SegmentSizeBytes"/>). It keeps the index
/// files of the 64 sealed segments it used last open, and maps up to 64 sealed segments (the first it reads records
/// of; address space, not memory of its own: the pages are the page cache's) to copy records out of them instead of
/// making a system call per record; records of other sealed segments are read with positional reads.
/// <see cref="Dispose"/> closes the files and mappings. A sealed segment's
/// index file is checked piecemeal: its header when first used, a section's block table when first searched, a block
/// (CRC-32C) when a lookup first reads it; a missing, damaged or stale one (found at any of these steps) is rebuilt
/// from its segment and a warning (event id 1206) is logged. See <c>docs/event-log-format.md</c>, "Indexes".
/// </remarks>
// Design: not shared between threads. It shares files with the writer and with other readers: the writer writes a
// segment's index file before it creates the next segment, so a segment that has a successor normally has its index;
// index files are only ever replaced whole (written to a temporary file, fsynced, renamed), so a concurrent rebuild by
// another reader or by the writer's open at worst writes the same bytes twice. The last segment is indexed by
// scanning it from where the previous scan stopped; a partial record at its end (being written, or torn) is not
// indexed until it is whole, so a writer that cuts off a torn tail never removes an indexed record.
// Open files: _open lists the sealed segments whose index file is open, most recently used first, at most
// OpenSegmentLimit of them; the least recently used is closed when another is opened (reopening costs one open).
// Mappings are not recycled that way: the first time a page of a mapping is touched costs far more than a
// positional read (about 7-10 us against 2 us on the perf machine), and stream reads visit every segment in turn,
// which would make an LRU of fewer mappings than segments unmap each one just before it is needed again. So the
// first MappedSegmentLimit sealed segments cursors read a second time stay mapped until Dispose, and the others are
// read with positional reads; so is every segment the first time (a fresh process reading one stream would otherwise
// pay a first-touch fault per record, ~15 us each on the perf VM in December against ~3 us for a cached pread). Only segments with a successor are mapped (they never change again); the last segment is read
// with positional reads, since it grows and a writer's recovery may cut it back. A cursor pins the mapping it is
// reading, so Dispose while a cursor is still reading unmaps that segment when the cursor moves on.
public sealed class EventIndex : IDisposable
{
    private const int ScanBufferBytes = 256 * 1024;

    /// <summary>How many sealed segments keep their index file open, and how many may be mapped, by default.</summary>
    internal const int DefaultOpenSegmentLimit = 64;

    private readonly EventLogOptions _options;
    private readonly ILogger _logger;
    private readonly IndexKeyHash _hash;
    private readonly Dictionary<long, SealedSegmentIndex> _sealed = [];
    private readonly LinkedList<SealedSegmentIndex> _open = new();
    private readonly byte[] _block = new byte[SealedSegmentIndex.BlockBytes];
    private SegmentIndexBuilder? _tail;
    private SegmentIndexBuilder? _rebuilder;
    private byte[]? _scanBuffer;
    private int _openSegmentLimit = DefaultOpenSegmentLimit;
    private int _mappedCount;

    /// <summary>Creates an index reader of the event log in <see cref="EventLogOptions.Directory"/> (the writer's options).</summary>
    /// <exception cref="ArgumentException">An option breaks a rule.</exception>
    public EventIndex(EventLogOptions options, ILogger? logger = null)
        : this(options, logger, IndexKeyHash.Fnv1a64)
    {
    }

    // The seam through which tests index with a hash that collides.
    internal EventIndex(EventLogOptions options, ILogger? logger, IndexKeyHash hash)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _hash = hash;
    }

    internal EventLogOptions Options => _options;

    internal IndexKeyHash Hash => _hash;

    /// <summary>
    /// A cursor's first copy out of a segment's mapping slower than this (Stopwatch ticks) took a major page fault (a
    /// read from the disk, 60 us and more on the perf VM; a minor fault, the first touch of a cached page by this
    /// process, costs 7-11 us there), and makes it prefetch the segment's other hits; tests set it to -1 (always).
    /// </summary>
    internal long SlowCopyTicks { get; set; } = Stopwatch.Frequency * 25 / 1_000_000;

    /// <summary>How many cursors read a sealed segment with positional reads before one maps it (tests set 0).</summary>
    internal int PositionalReadsBeforeMapping { get; set; } = 1;

    /// <summary>How many sealed segments may be mapped (tests lower it); lowering it unmaps none.</summary>
    internal int MappedSegmentLimit { get; set; } = DefaultOpenSegmentLimit;

    /// <summary>How many sealed segments' index files may stay open (tests lower it).</summary>
    internal int OpenSegmentLimit
    {
        get => _openSegmentLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _openSegmentLimit = value;
            TrimOpen();
        }
    }

    /// <summary>
    /// A cursor over the events of <paramref name="streamId"/> from <paramref name="fromVersion"/> on, in stream
    /// version order, at most <paramref name="maxCount"/>. Events of other streams whose id hashes alike are skipped.
    /// </summary>
    /// <remarks>Sees the segments that exist when the cursor reaches them, and the last segment as far as it was written then.</remarks>
    /// <exception cref="ArgumentException"><paramref name="streamId"/> is empty or longer than 255 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromVersion"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    public EventIndexCursor ReadStream(ReadOnlySpan<byte> streamId, long fromVersion = 1, int maxCount = int.MaxValue)
    {
        CheckName(streamId, nameof(streamId));
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return new EventIndexCursor(this, IndexQuery.Stream, streamId.ToArray(), IndexKeyHashing.Hash(_hash, streamId), fromVersion, maxCount);
    }

    /// <summary>A cursor over the events of type <paramref name="type"/> at <paramref name="fromPosition"/> and after, in position order.</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is empty or longer than 255 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    public EventIndexCursor ReadType(ReadOnlySpan<byte> type, long fromPosition = 1, int maxCount = int.MaxValue)
    {
        CheckName(type, nameof(type));
        ArgumentOutOfRangeException.ThrowIfLessThan(fromPosition, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return new EventIndexCursor(this, IndexQuery.Type, type.ToArray(), IndexKeyHashing.Hash(_hash, type), fromPosition, maxCount);
    }

    /// <summary>A cursor over the events of producer <paramref name="producerId"/> at <paramref name="fromPosition"/> and after, in position order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromPosition"/> is below 1 or <paramref name="maxCount"/> is negative.</exception>
    public EventIndexCursor ReadProducer(ulong producerId, long fromPosition = 1, int maxCount = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromPosition, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return new EventIndexCursor(this, IndexQuery.Producer, null, producerId, fromPosition, maxCount);
    }

    /// <summary>
    /// Finds the first event whose timestamp is at or after <paramref name="timestampTicks"/> (like Kafka's
    /// offsets-for-times); false when every event is older.
    /// </summary>
    /// <remarks>Reads the time table of the first segment that has a late enough event, then scans at most 256 records.</remarks>
    public bool TryFindPosition(long timestampTicks, out long position)
    {
        position = 0;
        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(_options.Directory);
        for (int i = 0; i < segments.Count; i++)
        {
            TimeEntry start;
            if (i < segments.Count - 1)
            {
                SealedSegmentIndex file = Sealed(segments, i);
                if (file.Header.RecordCount == 0 || file.Header.MaxTimestamp < timestampTicks)
                {
                    continue;
                }

                if (!file.TryFindTimeStart(timestampTicks, out start, out string? problem))
                {
                    file = RebuildSlow(segments[i], file, problem!);
                    if (!file.TryFindTimeStart(timestampTicks, out start, out problem))
                    {
                        throw new IOException($"The event log index {EventSegmentFiles.IndexPath(segments[i].Path)} was rebuilt but does not read back: {problem}.");
                    }
                }
            }
            else
            {
                SegmentIndexBuilder tail = Tail(segments[i]);
                if (tail.Count == 0 || tail.MaxTimestamp < timestampTicks)
                {
                    return false;
                }

                start = FindTimeStart(tail.Times, timestampTicks);
            }

            position = ScanForTime(segments[i].Path, start, timestampTicks);
            return true;
        }

        return false;
    }

    private static TimeEntry FindTimeStart(ReadOnlySpan<TimeEntry> times, long ticks)
    {
        int low = 0;
        int high = times.Length - 1;
        int start = 0;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            if (times[middle].MaxTimestamp < ticks)
            {
                start = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return times[start];
    }

    // The segment holds a record at or after ticks, after the start entry's record and before the next entry's.
    private long ScanForTime(string path, TimeEntry start, long ticks)
    {
        using SegmentWindow segment = OpenWindow(path);
        long offset = start.Offset;
        long expected = start.Position;
        while (true)
        {
            if (segment.TryReadRecord(offset, backward: false, out EventRecordHeader header, out _) != RecordStatus.Valid || header.Position != expected)
            {
                throw new EventLogCorruptedException(path, offset, expected, "no valid record where the time index says one is");
            }

            if (header.TimestampTicks >= ticks)
            {
                return header.Position;
            }

            offset += header.Length;
            expected++;
        }
    }

    /// <summary>The index hits of one segment for a cursor; the last segment's come from the in-memory index.</summary>
    internal void Collect(IndexQuery query, ulong key, long from, List<(long FirstPosition, string Path)> segments, int index, List<IndexHit> hits)
    {
        hits.Clear();
        if (index < segments.Count - 1)
        {
            SealedSegmentIndex file = Sealed(segments, index);
            if (!TryFind(file, query, key, from, hits, out string? problem))
            {
                hits.Clear();
                file = RebuildSlow(segments[index], file, problem!);
                if (!TryFind(file, query, key, from, hits, out problem))
                {
                    throw new IOException($"The event log index {EventSegmentFiles.IndexPath(segments[index].Path)} was rebuilt but does not read back: {problem}.");
                }
            }

            return;
        }

        SegmentIndexBuilder tail = Tail(segments[index]);
        if (query == IndexQuery.Stream)
        {
            foreach (StreamEntry entry in tail.Streams)
            {
                if (entry.Hash == key && entry.Version >= from)
                {
                    hits.Add(new IndexHit(entry.Position, entry.Offset));
                }
            }

            return;
        }

        foreach (KeyEntry entry in query == IndexQuery.Type ? tail.Types : tail.Producers)
        {
            if (entry.Key == key && entry.Position >= from)
            {
                hits.Add(new IndexHit(entry.Position, entry.Offset));
            }
        }
    }

    private bool TryFind(SealedSegmentIndex file, IndexQuery query, ulong key, long from, List<IndexHit> hits, out string? problem) => query switch
    {
        IndexQuery.Stream => file.TryFindStream(key, from, hits, _block, out problem),
        IndexQuery.Type => file.TryFindType(key, from, hits, _block, out problem),
        _ => file.TryFindProducer(key, from, hits, _block, out problem),
    };

    // The index of a sealed segment (header checked), made the most recently used of the open ones.
    private SealedSegmentIndex Sealed(List<(long FirstPosition, string Path)> segments, int index)
    {
        (long FirstPosition, string Path) segment = segments[index];
        if (_sealed.TryGetValue(segment.FirstPosition, out SealedSegmentIndex? file))
        {
            Touch(file);
            return file;
        }

        file = OpenSealed(segment, justSealed: index == segments.Count - 2);
        Touch(file);
        return file;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private SealedSegmentIndex OpenSealed((long FirstPosition, string Path) segment, bool justSealed)
    {
        string indexPath = EventSegmentFiles.IndexPath(segment.Path);
        long segmentLength = new FileInfo(segment.Path).Length;
        SealedSegmentIndex? file = SealedSegmentIndex.TryOpen(indexPath, segment.FirstPosition, segmentLength, _hash, out string? problem);
        if (file is null && justSealed && !File.Exists(indexPath))
        {
            // The writer writes the newest sealed segment's index in the background just after the roll: a reader
            // that comes first builds the same file itself (written the same atomic way), which is not damage.
            file = RebuildSlow(segment, null, problem!, expected: true);
        }

        file ??= RebuildSlow(segment, null, problem!);
        _sealed.Add(segment.FirstPosition, file);
        if (_tail is not null && _tail.FirstPosition == segment.FirstPosition)
        {
            _tail.Reset(0); // the segment was sealed since it was last scanned: its file is used from now on
        }

        return file;
    }

    // Rebuilds a sealed segment's index file from the segment (warning 1206) and opens it; a damaged one found by a
    // lookup is replaced by it (closed, and its mapping of the segment, which has not changed, handed over).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private SealedSegmentIndex RebuildSlow((long FirstPosition, string Path) segment, SealedSegmentIndex? damaged, string problem, bool expected = false)
    {
        string indexPath = EventSegmentFiles.IndexPath(segment.Path);
        int records = (_rebuilder ??= new SegmentIndexBuilder(_hash, segment.FirstPosition)).BuildFile(segment.Path, indexPath, _options.MaxRecordBytes);
        if (expected)
        {
            Log.IndexBuiltBeforeWriter(_logger, indexPath, records);
        }
        else
        {
            Log.IndexRebuilt(_logger, indexPath, records, problem);
        }

        SealedSegmentIndex file = SealedSegmentIndex.TryOpen(indexPath, segment.FirstPosition, new FileInfo(segment.Path).Length, _hash, out string? again)
            ?? throw new IOException($"The event log index {indexPath} was rebuilt but does not read back: {again}.");
        if (damaged is not null)
        {
            if (damaged.CacheNode.List is not null)
            {
                _open.Remove(damaged.CacheNode);
            }

            damaged.CloseFile();
            file.Mapping = damaged.Mapping;
            file.PositionalReads = damaged.PositionalReads;
            damaged.Mapping = null;
            _sealed[segment.FirstPosition] = file;
            Touch(file);
        }

        return file;
    }

    private void Touch(SealedSegmentIndex file)
    {
        LinkedListNode<SealedSegmentIndex> node = file.CacheNode;
        if (_open.First == node)
        {
            return;
        }

        if (node.List is not null)
        {
            _open.Remove(node);
        }

        _open.AddFirst(node);
        TrimOpen();
    }

    private void TrimOpen()
    {
        while (_open.Count > _openSegmentLimit)
        {
            SealedSegmentIndex last = _open.Last!.Value;
            _open.RemoveLast();
            last.CloseFile();
        }
    }

    /// <summary>
    /// The mapping of sealed segment <paramref name="index"/> of <paramref name="segments"/>, pinned for the caller
    /// (who calls <see cref="SegmentMapping.Release"/>); null for the last segment, which is read with positional
    /// reads, and for a sealed segment not mapped yet once <see cref="MappedSegmentLimit"/> are.
    /// </summary>
    internal SegmentMapping? AcquireMapping(List<(long FirstPosition, string Path)> segments, int index)
    {
        if (index >= segments.Count - 1)
        {
            return null;
        }

        SealedSegmentIndex file = Sealed(segments, index);
        if (file.Mapping is null)
        {
            // A mapped page costs a page fault the first time this process touches it, several times a positional
            // read of a cached page (15 us against 3 us on the perf VM): a segment read once (a fresh process, a
            // one-off query) is cheaper read with positional reads; one read again is worth mapping.
            if (file.PositionalReads < PositionalReadsBeforeMapping)
            {
                file.PositionalReads++;
                return null;
            }

            if (_mappedCount >= MappedSegmentLimit)
            {
                return null;
            }

            file.Mapping = SegmentMapping.Open(segments[index].Path, file.Header.SegmentLength);
            _mappedCount++;
        }

        file.Mapping.Acquire();
        return file.Mapping;
    }

    /// <summary>Closes the open index files and unmaps the segments (a cursor still reading one unmaps it when it moves on).</summary>
    /// <remarks>The index stays usable: it opens and maps files again as it needs them; the block tables and what was verified stay.</remarks>
    public void Dispose()
    {
        while (_open.Count > 0)
        {
            SealedSegmentIndex last = _open.Last!.Value;
            _open.RemoveLast();
            last.CloseFile();
        }

        foreach (SealedSegmentIndex file in _sealed.Values)
        {
            file.Mapping?.Evict();
            file.Mapping = null;
        }

        _mappedCount = 0;
    }

    // Brings the in-memory index of the last segment up to what has been written of it.
    private SegmentIndexBuilder Tail((long FirstPosition, string Path) segment)
    {
        if (_tail is null)
        {
            _tail = new SegmentIndexBuilder(_hash, segment.FirstPosition);
        }
        else if (_tail.FirstPosition != segment.FirstPosition)
        {
            _tail.Reset(segment.FirstPosition);
        }

        SegmentWindow window;
        try
        {
            window = OpenWindow(segment.Path);
        }
        catch (EventLogCorruptedException) when (new FileInfo(segment.Path).Length < EventSegmentHeader.Size)
        {
            return _tail; // the writer is creating it: nothing in it yet
        }

        using (window)
        {
            if (window.FileLength < _tail.EndOffset)
            {
                _tail.Reset(segment.FirstPosition); // cut back since the last scan: index it again
            }

            _tail.Scan(window);
        }

        return _tail;
    }

    private SegmentWindow OpenWindow(string path)
    {
        SegmentWindow window = SegmentWindow.TryOpen(path, ScanBufferBytes, _options.MaxRecordBytes, out string? problem, _scanBuffer)
            ?? throw new EventLogCorruptedException(path, 0, 0, problem!);
        _scanBuffer = window.Buffer;
        return window;
    }

    private static void CheckName(ReadOnlySpan<byte> name, string paramName)
    {
        if ((uint)(name.Length - 1) >= EventRecordHeader.MaxNameBytes)
        {
            ThrowHelper.ThrowNameLength(paramName == "type" ? "type" : "stream id", name.Length, paramName);
        }
    }

    /// <summary>For tests: how many sealed segments' indexes have been opened (their headers and block tables stay in memory).</summary>
    internal int SealedCount => _sealed.Count;

    /// <summary>For tests: how many sealed segments have an open index file.</summary>
    internal int OpenSegmentCount => _open.Count;

    /// <summary>For tests: how many sealed segments are mapped.</summary>
    internal int MappedSegmentCount => _mappedCount;
}
