using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Pipeline.Core.Sequencing;
using Pipeline.Journal.Format;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal;

/// <summary>
/// The single writer of the append-only journal: assigns sequences 1, 2, 3, ... with no gaps, stamps each
/// record with the journal clock, buffers appends and writes them in batches, and forces them to disk according
/// to the <see cref="DurabilityPolicy"/>. <see cref="DurableSequence"/> tells everything downstream how far the
/// journal is on disk; nothing may be acknowledged beyond it.
/// </summary>
/// <remarks>
/// <see cref="Append"/> and <see cref="Commit"/> are for one thread (the journaling producer). <see cref="DurableSequence"/>
/// may be read by any thread. An I/O failure is fatal: the writer throws <see cref="JournalWriteFailedException"/>
/// from then on and the durable sequence never advances again.
/// </remarks>
// Design: the writer thread owns the buffer, the active segment fields and _lastSequence. _writtenSequence (the
// highest sequence whose bytes reached the OS) is written by the writer thread after each write (release) and
// read by the interval flusher thread. _syncGate serialises fsyncs and the swap of the active segment handle
// between the writer and the flusher, so a flusher never fsyncs a closed handle and durable sequences only grow.
// DurableSequence is written under _syncGate only, after the fsync that covers it returned.
public sealed partial class JournalWriter : IDisposable
{
    private readonly JournalOptions _options;
    private readonly SegmentIO _io;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FileStream _lock;
    private readonly List<(long FirstSequence, string Path)> _segments;
    private readonly byte[] _buffer;
    private readonly object _syncGate = new();
    private readonly Sequence _durableSequence;
    private SafeFileHandle _handle;
    private string _activePath;
    private long _segmentFirst;
    private long _position;
    private SparseIndexBuilder _index;
    private int _bufferCount;
    private long _lastSequence;
    private long _lastTimestampTicks;
    private long _writtenSequence;
    private long _lastSyncTimestamp;
    private long _syncCount;
    private volatile Exception? _fault;
    private Thread? _flusher;
    private readonly SegmentPreparer? _preparer;
    private bool _spareRequested;
    private readonly ManualResetEventSlim _stopFlusher = new(false);
    private bool _disposed;

    private JournalWriter(JournalOptions options, SegmentIO io, ILogger logger, TimeProvider time, FileStream lockFile, List<(long, string)> segments, SafeFileHandle handle, string activePath, long segmentFirst, long position, SparseIndexBuilder index, long lastSequence, long lastTimestampTicks)
    {
        _options = options;
        _io = io;
        _logger = logger;
        _time = time;
        _lock = lockFile;
        _segments = segments;
        _handle = handle;
        _activePath = activePath;
        _segmentFirst = segmentFirst;
        _position = position;
        _index = index;
        _lastSequence = lastSequence;
        _lastTimestampTicks = lastTimestampTicks;
        _writtenSequence = lastSequence;
        _durableSequence = new Sequence(lastSequence);
        _buffer = new byte[options.WriteBufferBytes];
        _lastSyncTimestamp = time.GetTimestamp();
        if (options.Preallocate)
        {
            _preparer = new SegmentPreparer(options.Directory, options.SegmentSizeBytes, logger);
        }

        if (options.Durability == DurabilityPolicy.Interval)
        {
            _flusher = new Thread(RunFlusher) { Name = "journal-flusher", IsBackground = true };
            _flusher.Start();
        }
    }

    /// <summary>The highest sequence on disk under the durability policy; only grows. Any thread may read it.</summary>
    public Sequence DurableSequence => _durableSequence;

    /// <summary>The highest sequence assigned (appended, maybe not yet written). Writer thread only.</summary>
    public long LastSequence => _lastSequence;

    /// <summary>The journal timestamp of the last append, UTC ticks. Writer thread only.</summary>
    public long LastTimestampTicks => _lastTimestampTicks;

    /// <summary>How many fsyncs of segment data the writer has issued. Any thread.</summary>
    public long SyncCount => Interlocked.Read(ref _syncCount);

    /// <summary>The options the journal was opened with.</summary>
    public JournalOptions Options => _options;

    /// <summary>The failure that stopped the writer, if any.</summary>
    public Exception? Fault => _fault;

    /// <summary>The first sequence still in the journal (above 1 once retention removed old segments).</summary>
    public long FirstSequence
    {
        get
        {
            lock (_segments)
            {
                return _segments.Count == 0 ? 1 : _segments[0].FirstSequence;
            }
        }
    }

    /// <summary>
    /// Appends one record and returns its sequence; the record is stamped with the journal clock (never
    /// decreasing). It is durable only once <see cref="DurableSequence"/> reaches it (after <see cref="Commit"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The record is larger than <see cref="JournalOptions.MaxRecordBytes"/> or the type is longer than 65535 bytes.</exception>
    /// <exception cref="JournalWriteFailedException">The writer failed earlier or fails now.</exception>
    public long Append(ReadOnlySpan<byte> type, ushort schemaVersion, ulong producerId, ulong producerSequence, ReadOnlySpan<byte> payload)
    {
        ThrowIfUnusable();
        if (type.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The type must be at most 65535 bytes.", nameof(type));
        }

        int length = RecordHeader.RecordLength(type.Length, payload.Length);
        if (length > _options.MaxRecordBytes)
        {
            throw new ArgumentException($"The record is {length} bytes, above MaxRecordBytes ({_options.MaxRecordBytes}).", nameof(payload));
        }

        if (_position + _bufferCount + length > _options.SegmentSizeBytes && _lastSequence >= _segmentFirst)
        {
            RollSegment();
        }

        if (_bufferCount + length > _buffer.Length)
        {
            WriteBuffer();
        }

        long timestamp = _time.GetUtcNow().UtcTicks;
        if (timestamp < _lastTimestampTicks)
        {
            timestamp = _lastTimestampTicks; // the journal clock never goes backwards, whatever the wall clock does
        }

        long sequence = _lastSequence + 1;
        _index.Add(sequence, _position + _bufferCount);
        RecordHeader.Write(_buffer.AsSpan(_bufferCount), sequence, timestamp, producerId, producerSequence, schemaVersion, type, payload);
        _bufferCount += length;
        _lastSequence = sequence;
        _lastTimestampTicks = timestamp;
        return sequence;
    }

    /// <summary>
    /// Writes what was appended and, under <see cref="DurabilityPolicy.Batch"/>, fsyncs it (one fsync per call: group
    /// commit); under <see cref="DurabilityPolicy.Interval"/> it fsyncs only if the interval has passed (a
    /// background flusher covers the rest); under <see cref="DurabilityPolicy.None"/> it only writes. Returns the durable sequence.
    /// </summary>
    public long Commit()
    {
        ThrowIfUnusable();
        if (_bufferCount > 0)
        {
            WriteBuffer();
        }

        switch (_options.Durability)
        {
            case DurabilityPolicy.Batch:
                Sync();
                break;
            case DurabilityPolicy.Interval:
                if (_time.GetElapsedTime(Interlocked.Read(ref _lastSyncTimestamp)) >= _options.FlushInterval)
                {
                    Sync();
                }

                break;
            default:
                _durableSequence.SetValue(_writtenSequence);
                break;
        }

        return _durableSequence.Value;
    }

    private void WriteBuffer()
    {
        try
        {
            _io.Write(_handle, _buffer.AsSpan(0, _bufferCount), _position);
        }
        catch (IOException ex)
        {
            throw Fail(ex, "write");
        }

        _position += _bufferCount;
        _bufferCount = 0;
        Volatile.Write(ref _writtenSequence, _lastSequence);
        if (_preparer is not null && !_spareRequested)
        {
            // On the first write to a segment: the slow, paced fill of the next one gets the whole segment's time.
            _spareRequested = true;
            _preparer.PrepareNext();
        }
    }

    // fsync of the active segment; everything written so far becomes durable.
    private void Sync()
    {
        lock (_syncGate)
        {
            SyncLocked();
        }
    }

    private void SyncLocked()
    {
        if (_fault is not null)
        {
            return;
        }

        long written = Volatile.Read(ref _writtenSequence);
        if (written <= _durableSequence.Value)
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

        Interlocked.Increment(ref _syncCount);
        Interlocked.Exchange(ref _lastSyncTimestamp, _time.GetTimestamp());
        _durableSequence.SetValue(written);
    }

    private void RunFlusher()
    {
        while (!_stopFlusher.Wait(_options.FlushInterval))
        {
            try
            {
                lock (_syncGate)
                {
                    if (!_disposed)
                    {
                        SyncLocked();
                    }
                }
            }
            catch (JournalWriteFailedException)
            {
                return; // Fail() has recorded and logged it; the writer thread sees it on its next call.
            }
        }
    }

    private void RollSegment()
    {
        long rollStart = _time.GetTimestamp();
        WriteBuffer();
        long last = _lastSequence;
        lock (_syncGate)
        {
            SyncLocked();
            ThrowIfUnusable();
            try
            {
                if (RandomAccess.GetLength(_handle) > _position)
                {
                    // A sealed segment ends at its last record: the preallocated space after it is given back.
                    RandomAccess.SetLength(_handle, _position);
                    RandomAccess.FlushToDisk(_handle);
                }

                SegmentIndexFile.Write(SegmentFiles.IndexPath(_activePath), _index.Build(_segmentFirst, last, _position));
                _handle.Dispose();
                long first = last + 1;
                string path = SegmentFiles.SegmentPath(_options.Directory, first);
                _handle = _preparer is not null && _preparer.TryTake(out string spare)
                    ? CreateSegmentFromSpare(spare, path, first, _time.GetUtcNow().UtcTicks)
                    : CreateSegment(path, first, _time.GetUtcNow().UtcTicks);
                _spareRequested = false;
                double rollMilliseconds = Math.Round(_time.GetElapsedTime(rollStart).TotalMilliseconds, 1);
                Log.SegmentSealed(_logger, _activePath, last, first, rollMilliseconds);
                _activePath = path;
                _segmentFirst = first;
                _position = SegmentHeader.Size;
                _index = new SparseIndexBuilder(_options.IndexIntervalRecords);
                lock (_segments)
                {
                    _segments.Add((first, path));
                }
            }
            catch (IOException ex)
            {
                throw Fail(ex, "segment roll");
            }
        }
    }

    private static SafeFileHandle CreateSegment(string path, long firstSequence, long createdAtTicks)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            WriteHeaderDurably(handle, firstSequence, createdAtTicks);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    // The spare is zero-filled already: the header goes in and is made durable before the rename makes it a segment,
    // so a segment file never exists without its header.
    private static SafeFileHandle CreateSegmentFromSpare(string spare, string path, long firstSequence, long createdAtTicks)
    {
        SafeFileHandle handle = File.OpenHandle(spare, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            WriteHeaderDurably(handle, firstSequence, createdAtTicks);
            File.Move(spare, path);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void WriteHeaderDurably(SafeFileHandle handle, long firstSequence, long createdAtTicks)
    {
        Span<byte> header = stackalloc byte[SegmentHeader.Size];
        new SegmentHeader(firstSequence, createdAtTicks).Write(header);
        RandomAccess.Write(handle, header, 0);
        SegmentIO.DataSync(handle);
    }

    private JournalWriteFailedException Fail(IOException ex, string operation)
    {
        var failure = new JournalWriteFailedException(
            $"Journal {operation} failed on {_activePath}; the journal stops accepting and acknowledging at durable sequence {_durableSequence.Value}.", ex);
        _fault ??= failure;
        Log.WriteFailed(_logger, ex, _activePath, _durableSequence.Value);
        return failure;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is { } fault)
        {
            throw new JournalWriteFailedException("The journal writer failed earlier and accepts nothing more.", fault);
        }
    }

    /// <summary>Writes and fsyncs everything appended (whatever the policy), then closes the journal.</summary>
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
            _stopFlusher.Set();
            _flusher?.Join();
            lock (_syncGate)
            {
                _disposed = true;
                _handle.Dispose();
            }

            _stopFlusher.Dispose();
            _preparer?.Dispose();
            _lock.Dispose();
        }
    }

    /// <summary>
    /// Applies the retention policy: retires segments whose records are all at or below
    /// <paramref name="oldestSnapshotSequence"/> (the oldest snapshot kept). Any thread; returns the retired files.
    /// </summary>
    public IReadOnlyList<string> ApplyRetention(long oldestSnapshotSequence)
    {
        IReadOnlyList<string> retired = Maintenance.JournalRetention.Apply(_options, oldestSnapshotSequence, _logger);
        if (retired.Count > 0)
        {
            lock (_segments)
            {
                var gone = new HashSet<string>(retired, StringComparer.Ordinal);
                _segments.RemoveAll(s => gone.Contains(s.Path));
            }
        }

        return retired;
    }

    /// <summary>Segments as (first sequence, path), oldest first.</summary>
    internal IReadOnlyList<(long FirstSequence, string Path)> Segments
    {
        get
        {
            lock (_segments)
            {
                return _segments.ToArray();
            }
        }
    }

    internal long ActiveSegmentFirst => _segmentFirst;

    /// <summary>For tests: waits until the preallocated spare segment is ready (false without preallocation or on timeout).</summary>
    internal bool WaitForSpareSegment(TimeSpan timeout) => _preparer?.WaitUntilReady(timeout) ?? false;
}
