using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Pipeline.EventStore.Format;
using Pipeline.EventStore.Internal;
using DirectorySync = Pipeline.Journal.Internal.DirectorySync;
using SegmentIO = Pipeline.Journal.Internal.SegmentIO;

namespace Pipeline.EventStore;

/// <summary>
/// The single writer of the event log: gives each appended event the next position (1, 2, 3, ... with no gaps),
/// collects records in a buffer, writes them on <see cref="Flush"/> and forces them to disk on <see cref="FlushToDisk"/>.
/// </summary>
/// <remarks>
/// One thread calls every member. <see cref="Append"/> allocates nothing. An I/O failure is fatal: the failing call
/// throws <see cref="IOException"/>, every later call <see cref="InvalidOperationException"/>, and reopening the log
/// recovers it to the last whole record. Readers in other threads or processes may read the files meanwhile.
/// </remarks>
// Design: not shared between threads; every field belongs to the one writer thread. Readers (EventLogReader, any
// thread or process) share only the files: a record reaches a file in one positional write of whole records, in
// position order, so a reader sees a prefix of the log possibly followed by part of a record, which it treats as
// the end. A new segment is created only after the previous one is written and fsynced, so every segment but the
// last is whole. The lock file keeps a second writer (in any process) out.
public sealed partial class EventLogWriter : IDisposable
{
    private readonly EventLogOptions _options;
    private readonly SegmentIO _io;
    private readonly ILogger _logger;
    private readonly FileStream _lock;
    private readonly byte[] _buffer;
    private SafeFileHandle _handle;
    private string _activePath;
    private long _segmentFirst;
    private long _offset; // bytes of the active segment already handed to the OS; the buffer goes here next
    private int _bufferCount;
    private long _lastPosition;
    private long _lastCommandSequence;
    private long _flushedPosition;
    private long _durablePosition;
    private Exception? _fault;
    private static readonly TimeSpan IndexingWaitOnDispose = TimeSpan.FromSeconds(60);
    private Task _indexing = Task.CompletedTask;
    private bool _disposed;
    private SegmentIndexBuilder _building; // the active segment's index entries, added as its records are appended
    private SegmentIndexBuilder? _spare; // the last sealed segment's, reused for the next segment once its file is written
    private const int TypeCacheSize = 8;
    private readonly byte[] _typeCache = new byte[TypeCacheSize * EventRecordHeader.MaxNameBytes];
    private readonly int[] _typeCacheLengths = new int[TypeCacheSize];
    private readonly ulong[] _typeCacheHashes = new ulong[TypeCacheSize];
    private int _typeCacheNext;

    private EventLogWriter(EventLogOptions options, SegmentIO io, ILogger logger, FileStream lockFile, SafeFileHandle handle, string activePath, long segmentFirst, long offset, long lastPosition, long lastCommandSequence, EventLogRecovery recovery, SegmentIndexBuilder building)
    {
        _building = building;
        _options = options;
        _io = io;
        _logger = logger;
        _lock = lockFile;
        _handle = handle;
        _activePath = activePath;
        _segmentFirst = segmentFirst;
        _offset = offset;
        _lastPosition = lastPosition;
        _lastCommandSequence = lastCommandSequence;
        _flushedPosition = lastPosition;
        _durablePosition = lastPosition;
        _buffer = new byte[options.WriteBufferBytes];
        Recovery = recovery;
    }

    /// <summary>The position of the last appended event (maybe not yet written); 0 for an empty log.</summary>
    public long LastPosition => _lastPosition;

    /// <summary>The command sequence of the last appended event; 0 for an empty log.</summary>
    public long LastCommandSequence => _lastCommandSequence;

    /// <summary>The highest position handed to the OS (readers can see it; a crash of the machine may lose it).</summary>
    public long FlushedPosition => _flushedPosition;

    /// <summary>The highest position forced to disk by <see cref="FlushToDisk"/> (or on open, a segment roll or dispose).</summary>
    public long DurablePosition => _durablePosition;

    /// <summary>What opening the log found: the last position and any torn tail that was cut off.</summary>
    public EventLogRecovery Recovery { get; }

    /// <summary>The options the log was opened with.</summary>
    public EventLogOptions Options => _options;

    /// <summary>
    /// Buffers one event and returns its position. It reaches the file on <see cref="Flush"/> (or when the buffer
    /// fills) and the disk on <see cref="FlushToDisk"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A name or the payload is too long or empty, a number breaks its rule, or <see cref="EventToAppend.ExpectedPosition"/> is not the next position.</exception>
    /// <exception cref="IOException">Writing a full buffer, or rolling to a new segment, failed.</exception>
    /// <exception cref="InvalidOperationException">The writer failed earlier.</exception>
    public long Append(in EventToAppend e)
    {
        ThrowIfUnusable();
        long position = _lastPosition + 1;
        Validate(in e, position);
        int length = EventRecordHeader.RecordLength(e.Type.Length, e.StreamId.Length, e.Payload.Length);
        if (_offset + _bufferCount + length > _options.SegmentSizeBytes && _lastPosition >= _segmentFirst)
        {
            RollSegmentSlow();
        }

        if (_bufferCount + length > _buffer.Length)
        {
            WriteBuffer();
        }

        EventRecordHeader.Write(_buffer.AsSpan(_bufferCount), position, in e);
        _building.Add(
            IndexKeyHashing.Hash(IndexKeyHash.Fnv1a64, e.StreamId),
            e.StreamVersion,
            TypeHash(e.Type),
            e.ProducerId,
            e.TimestampTicks,
            position,
            _offset + _bufferCount,
            length);
        _bufferCount += length;
        _lastPosition = position;
        _lastCommandSequence = e.CommandSequence;
        return position;
    }

    // An application has few event types: the hashes of the last few are kept (compared byte for byte, which is
    // cheaper than hashing again), in fixed buffers so that a miss allocates nothing.
    private ulong TypeHash(ReadOnlySpan<byte> type)
    {
        for (int i = 0; i < TypeCacheSize; i++)
        {
            if (_typeCacheLengths[i] == type.Length && type.SequenceEqual(_typeCache.AsSpan(i * EventRecordHeader.MaxNameBytes, type.Length)))
            {
                return _typeCacheHashes[i];
            }
        }

        ulong hash = IndexKeyHashing.Hash(IndexKeyHash.Fnv1a64, type);
        int slot = _typeCacheNext;
        _typeCacheNext = (slot + 1) % TypeCacheSize;
        type.CopyTo(_typeCache.AsSpan(slot * EventRecordHeader.MaxNameBytes));
        _typeCacheLengths[slot] = type.Length;
        _typeCacheHashes[slot] = hash;
        return hash;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Validate(in EventToAppend e, long position)
    {
        if ((uint)(e.Type.Length - 1) >= EventRecordHeader.MaxNameBytes)
        {
            ThrowHelper.ThrowNameLength("type", e.Type.Length, nameof(e));
        }

        if ((uint)(e.StreamId.Length - 1) >= EventRecordHeader.MaxNameBytes)
        {
            ThrowHelper.ThrowNameLength("stream id", e.StreamId.Length, nameof(e));
        }

        if (e.Payload.Length > _options.MaxPayloadBytes)
        {
            ThrowHelper.ThrowPayloadTooLarge(e.Payload.Length, _options.MaxPayloadBytes, nameof(e));
        }

        if (e.StreamVersion < 1)
        {
            ThrowHelper.ThrowStreamVersion(e.StreamVersion, nameof(e));
        }

        if (e.CommandSequence < 1 || e.CommandSequence < _lastCommandSequence)
        {
            ThrowHelper.ThrowCommandSequence(e.CommandSequence, _lastCommandSequence, nameof(e));
        }

        if (e.ExpectedPosition != 0 && e.ExpectedPosition != position)
        {
            ThrowHelper.ThrowPositionGap(e.ExpectedPosition, position, nameof(e));
        }
    }

    /// <summary>Writes the buffered events to the segment file (no fsync): readers can see them from now on.</summary>
    /// <exception cref="IOException">The write failed; the writer accepts nothing more.</exception>
    public void Flush()
    {
        ThrowIfUnusable();
        if (_bufferCount > 0)
        {
            WriteBuffer();
        }
    }

    /// <summary>Writes the buffered events and fsyncs the segment; returns the durable position.</summary>
    /// <remarks>Blocks for the fsync (typically 0.1 to 10 ms); call it once per batch of appends.</remarks>
    /// <exception cref="IOException">The write or fsync failed; the writer accepts nothing more.</exception>
    public long FlushToDisk()
    {
        Flush();
        Sync();
        return _durablePosition;
    }

    private void WriteBuffer()
    {
        try
        {
            _io.Write(_handle, _buffer.AsSpan(0, _bufferCount), _offset);
        }
        catch (IOException ex)
        {
            throw Fail(ex, "write");
        }

        _offset += _bufferCount;
        _bufferCount = 0;
        _flushedPosition = _lastPosition;
    }

    private void Sync()
    {
        if (_flushedPosition <= _durablePosition)
        {
            return;
        }

        try
        {
            _io.Flush(_handle);
        }
        catch (IOException ex)
        {
            throw Fail(ex, "fsync");
        }

        _durablePosition = _flushedPosition;
    }

    // The sealed segment is written and fsynced before the next one exists: recovery trusts every segment but the last.
    // Its index file is written in between, so readers that see the next segment find the index of this one.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RollSegmentSlow()
    {
        WriteBuffer();
        Sync();

        // The sealed segment's index file is written in the background from the entries collected as its records were
        // appended: sorting and writing them takes tens of milliseconds for a 64 MiB segment, which would stall every
        // append (and so every ACK of the service) for that long. A reader that needs the index before it is written
        // builds it itself from the segment (the same bytes, written the same atomic way; it logs 1206). The next
        // segment reuses the builder of the segment sealed before this one, so the writer waits here in the rare case
        // that its file is still being written: at most two segments' entries are held. Dispose waits for the last.
        long first = _lastPosition + 1;
        if (!_indexing.IsCompleted)
        {
            _indexing.Wait();
        }

        SegmentIndexBuilder sealedIndex = _building;
        string sealedPath = _activePath;
        long sealedLength = _offset;
        _building = _spare ?? new SegmentIndexBuilder(IndexKeyHash.Fnv1a64, first);
        _building.Reset(first);
        _spare = sealedIndex;
        _indexing = Task.Run(() => WriteIndex(sealedIndex, sealedPath, sealedLength));
        string path = EventSegmentFiles.SegmentPath(_options.Directory, first);
        try
        {
            SafeFileHandle next = CreateSegment(path, first);
            _handle.Dispose();
            _handle = next;
        }
        catch (IOException ex)
        {
            throw Fail(ex, "segment roll");
        }

        Log.SegmentSealed(_logger, _activePath, _lastPosition, first);
        _activePath = path;
        _segmentFirst = first;
        _offset = EventSegmentHeader.Size;
    }

    // Indexing is not part of the log's durability: any failure is logged and readers rebuild the index when they need
    // it, so the task never faults (the next roll and Dispose wait on it).
    private void WriteIndex(SegmentIndexBuilder entries, string segmentPath, long segmentLength)
    {
        string indexPath = EventSegmentFiles.IndexPath(segmentPath);
        try
        {
            entries.WriteFile(indexPath, segmentLength);
        }
#pragma warning disable CA1031 // see above
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.IndexWriteFailed(_logger, ex, indexPath);
        }
    }

    // The header is durable, and the file's name in the folder too, before any record goes in.
    private static SafeFileHandle CreateSegment(string path, long firstPosition)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            Span<byte> header = stackalloc byte[EventSegmentHeader.Size];
            new EventSegmentHeader(firstPosition).Write(header);
            RandomAccess.Write(handle, header, 0);
            SegmentIO.DataSync(handle);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private IOException Fail(IOException ex, string operation)
    {
        var failure = new IOException(
            $"Event log {operation} failed on {_activePath}; the writer accepts nothing more (durable position {_durablePosition}). Reopen the log to recover it.", ex);
        _fault ??= failure;
        Log.WriteFailed(_logger, ex, operation, _activePath, _durablePosition);
        return failure;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is not null)
        {
            ThrowHelper.ThrowFailedEarlier(_fault);
        }
    }

    /// <summary>Writes and fsyncs everything appended (unless the writer failed), then closes the log.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (_fault is null)
            {
                if (_bufferCount > 0)
                {
                    WriteBuffer();
                }

                Sync();
            }
        }
        finally
        {
            // WriteIndex catches its own I/O failures; the lock is held until the last sealed segment is indexed.
            if (!_indexing.Wait(IndexingWaitOnDispose))
            {
                Log.IndexWriteFailed(_logger, new TimeoutException("indexing did not finish in time"), _activePath);
            }

            _disposed = true;
            _handle.Dispose();
            _lock.Dispose();
        }
    }

    /// <summary>For tests: the segment being appended to.</summary>
    internal string ActivePath => _activePath;
}
