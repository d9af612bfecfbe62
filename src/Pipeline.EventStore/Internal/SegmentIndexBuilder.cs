using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Pipeline.EventStore.Format;
using Pipeline.Journal.Format;
using DirectorySync = Pipeline.Journal.Internal.DirectorySync;
using SegmentIO = Pipeline.Journal.Internal.SegmentIO;

namespace Pipeline.EventStore.Internal;

/// <summary>
/// The index entries of one segment, in position order, as read from its records: what an index file is written
/// from (after sorting), and the in-memory index of the segment still being appended to.
/// </summary>
/// <remarks>
/// Single-threaded. 80 bytes per record plus 24 per <see cref="TimeInterval"/> records, and 32 per record more once
/// it has written a file (the sort's second buffer), plus 60 bytes per 512 records (the block tables); the arrays grow by doubling
/// and are kept by <see cref="Reset"/>, so a reused builder stops allocating once it has seen its largest segment.
/// </remarks>
internal sealed class SegmentIndexBuilder
{
    /// <summary>One time entry per this many records.</summary>
    public const int TimeInterval = 256;

    private const int ScanBufferBytes = 1024 * 1024;

    private readonly IndexKeyHash _hash;
    private StreamEntry[] _streams = new StreamEntry[64];
    private KeyEntry[] _types = new KeyEntry[64];
    private KeyEntry[] _producers = new KeyEntry[64];
    private TimeEntry[] _times = new TimeEntry[4];
    private StreamEntry[] _scratch = [];
    private byte[] _tables = [];
    private long _scanLength; // the length of the file being scanned, while Scan runs
    private byte[]? _chunk;
    private int _count;
    private int _timeCount;
    private long _maxTimestamp = long.MinValue;
    private long _lastPosition;
    private long _lastOffset;

    public SegmentIndexBuilder(IndexKeyHash hash, long firstPosition)
    {
        _hash = hash;
        Reset(firstPosition);
    }

    public IndexKeyHash Hash => _hash;

    public long FirstPosition { get; private set; }

    /// <summary>Where the next record of the segment starts (the end of the last one added).</summary>
    public long EndOffset { get; private set; }

    public int Count => _count;

    public long MaxTimestamp => _maxTimestamp;

    /// <summary>The entries in position order (until <see cref="WriteFile"/> sorts them).</summary>
    public ReadOnlySpan<StreamEntry> Streams => _streams.AsSpan(0, _count);

    public ReadOnlySpan<KeyEntry> Types => _types.AsSpan(0, _count);

    public ReadOnlySpan<KeyEntry> Producers => _producers.AsSpan(0, _count);

    public ReadOnlySpan<TimeEntry> Times => _times.AsSpan(0, _timeCount);

    public void Reset(long firstPosition)
    {
        FirstPosition = firstPosition;
        EndOffset = EventSegmentHeader.Size;
        _count = 0;
        _timeCount = 0;
        _maxTimestamp = long.MinValue;
        _lastPosition = 0;
        _lastOffset = 0;
    }

    /// <summary>Adds the record at <paramref name="offset"/>; <paramref name="record"/> holds its bytes.</summary>
    public void Add(in EventRecordHeader header, ReadOnlySpan<byte> record, long offset)
    {
        ReadOnlySpan<byte> type = record.Slice(EventRecordHeader.FixedSize, header.TypeLength);
        ReadOnlySpan<byte> streamId = record.Slice(header.StreamIdOffset, header.StreamIdLength);
        Add(IndexKeyHashing.Hash(_hash, streamId), header.StreamVersion, IndexKeyHashing.Hash(_hash, type), header.ProducerId, header.TimestampTicks, header.Position, offset, header.Length);
    }

    /// <summary>
    /// Adds the record of <paramref name="length"/> bytes at <paramref name="offset"/> from its fields, the key hashes
    /// already computed (the writer indexes what it appends without reading it back).
    /// </summary>
    public void Add(ulong streamHash, long streamVersion, ulong typeHash, ulong producerId, long timestampTicks, long position, long offset, int length)
    {
        if (_count == _streams.Length)
        {
            Grow();
        }

        _streams[_count] = new StreamEntry(streamHash, streamVersion, position, offset);
        _types[_count] = new KeyEntry(typeHash, position, offset);
        _producers[_count] = new KeyEntry(producerId, position, offset);
        _maxTimestamp = Math.Max(_maxTimestamp, timestampTicks);
        if (_count % TimeInterval == 0)
        {
            if (_timeCount == _times.Length)
            {
                Array.Resize(ref _times, _timeCount * 2);
            }

            _times[_timeCount++] = new TimeEntry(_maxTimestamp, position, offset);
        }

        _count++;
        _lastPosition = position;
        _lastOffset = offset;
        EndOffset = offset + length;
    }

    // Doubles, or, while a scan knows the file's length, jumps to the records the rest of the file holds at the
    // average record size so far (plus 1/8): a fresh reader indexing a 64 MiB last segment otherwise allocated and
    // copied about twice its final arrays, and on the perf VM every first touch of new memory is a costly fault.
    private void Grow()
    {
        int size = _streams.Length * 2;
        if (_scanLength > EndOffset && _count > 0)
        {
            long expected = (long)_count * (_scanLength - EventSegmentHeader.Size) / (EndOffset - EventSegmentHeader.Size);
            size = (int)Math.Clamp(expected + (expected / 8) + 64, size, Array.MaxLength);
        }

        Array.Resize(ref _streams, size);
        Array.Resize(ref _types, size);
        Array.Resize(ref _producers, size);
    }

    /// <summary>
    /// Adds the valid records of <paramref name="segment"/> from <see cref="EndOffset"/> on, each of which must carry
    /// the next position; stops at the end of the file or at the first record that is not whole and valid.
    /// </summary>
    /// <returns>Whether it stopped at the end of the file (false: at a bad or partial record).</returns>
    public bool Scan(SegmentWindow segment)
    {
        _scanLength = segment.FileLength;
        try
        {
            return ScanRecords(segment);
        }
        finally
        {
            _scanLength = 0;
        }
    }

    private bool ScanRecords(SegmentWindow segment)
    {
        long offset = EndOffset;
        long expected = _count == 0 ? FirstPosition : _lastPosition + 1;
        while (true)
        {
            RecordStatus status = segment.TryReadRecord(offset, backward: false, out EventRecordHeader header, out ReadOnlySpan<byte> record);
            if (status != RecordStatus.Valid)
            {
                return offset == segment.FileLength;
            }

            if (header.Position != expected)
            {
                throw new EventLogCorruptedException(segment.Path, offset, expected, $"the record carries position {header.Position}");
            }

            Add(header, record, offset);
            offset += header.Length;
            expected++;
        }
    }

    /// <summary>
    /// Reads the whole sealed segment at <paramref name="segmentPath"/> (verifying every record) and writes its index
    /// file; returns the number of records indexed.
    /// </summary>
    /// <exception cref="EventLogCorruptedException">The segment is damaged (a sealed segment must be whole).</exception>
    public int BuildFile(string segmentPath, string indexPath, int maxRecordBytes)
    {
        using SegmentWindow segment = SegmentWindow.TryOpen(segmentPath, ScanBufferBytes, maxRecordBytes, out string? problem)
            ?? throw new EventLogCorruptedException(segmentPath, 0, 0, problem!);
        Reset(segment.Header.FirstPosition);
        if (!Scan(segment))
        {
            throw new EventLogCorruptedException(segmentPath, EndOffset, _count == 0 ? FirstPosition : _lastPosition + 1,
                "the sealed segment holds a damaged record, so its index cannot be built");
        }

        WriteFile(indexPath, segment.FileLength);
        return _count;
    }

    /// <summary>
    /// Sorts the entries and writes the index file: to a temporary file, fsynced, then renamed over
    /// <paramref name="indexPath"/>, so that a reader sees either no file, the old one or the whole new one.
    /// </summary>
    public void WriteFile(string indexPath, long segmentLength)
    {
        if (_count > 0 && _times[_timeCount - 1].Position != _lastPosition)
        {
            if (_timeCount == _times.Length)
            {
                Array.Resize(ref _times, _timeCount + 1);
            }

            _times[_timeCount++] = new TimeEntry(_maxTimestamp, _lastPosition, _lastOffset);
        }

        if (_scratch.Length < _count)
        {
            _scratch = new StreamEntry[_streams.Length];
        }

        // KeyEntry is smaller than StreamEntry and neither holds references: one scratch buffer serves all three.
        IndexSort.Sort(_streams.AsSpan(0, _count), _scratch);
        IndexSort.Sort(_types.AsSpan(0, _count), MemoryMarshal.Cast<StreamEntry, KeyEntry>(_scratch.AsSpan()));
        IndexSort.Sort(_producers.AsSpan(0, _count), MemoryMarshal.Cast<StreamEntry, KeyEntry>(_scratch.AsSpan()));

        string temporary = indexPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (SafeFileHandle handle = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                int blocks = (int)(((long)_count + EventIndexHeader.BlockEntries - 1) / EventIndexHeader.BlockEntries);
                int tableBytes = blocks * EventIndexHeader.BlockRowSize;
                if (_tables.Length < 3 * tableBytes)
                {
                    _tables = new byte[3 * tableBytes];
                }

                byte[] chunk = _chunk ??= new byte[ScanBufferBytes];
                long fileOffset = EventIndexHeader.Size + (3L * tableBytes);
                int used = 0;
                Span<byte> streamTable = _tables.AsSpan(0, tableBytes);
                uint crc = Checksum.Begin();
                for (int i = 0; i < _count; i++)
                {
                    Flush(handle, chunk, ref used, ref fileOffset, EventIndexHeader.StreamEntrySize);
                    StreamEntry entry = _streams[i];
                    entry.Write(chunk.AsSpan(used));
                    crc = AddToBlock(streamTable, i, entry.Hash, entry.Version, crc, chunk.AsSpan(used, EventIndexHeader.StreamEntrySize));
                    used += EventIndexHeader.StreamEntrySize;
                }

                WriteKeys(handle, chunk, ref used, ref fileOffset, _types, _tables.AsSpan(tableBytes, tableBytes));
                WriteKeys(handle, chunk, ref used, ref fileOffset, _producers, _tables.AsSpan(2 * tableBytes, tableBytes));
                crc = Checksum.Begin();
                for (int i = 0; i < _timeCount; i++)
                {
                    Flush(handle, chunk, ref used, ref fileOffset, EventIndexHeader.TimeEntrySize);
                    _times[i].Write(chunk.AsSpan(used));
                    crc = Checksum.Append(crc, chunk.AsSpan(used, EventIndexHeader.TimeEntrySize));
                    used += EventIndexHeader.TimeEntrySize;
                }

                Flush(handle, chunk, ref used, ref fileOffset, chunk.Length);
                RandomAccess.Write(handle, _tables.AsSpan(0, 3 * tableBytes), EventIndexHeader.Size);
                var header = new EventIndexHeader(
                    (byte)_hash,
                    TimeInterval,
                    _count,
                    FirstPosition,
                    segmentLength,
                    _maxTimestamp,
                    _timeCount,
                    Checksum.Compute(streamTable),
                    Checksum.Compute(_tables.AsSpan(tableBytes, tableBytes)),
                    Checksum.Compute(_tables.AsSpan(2 * tableBytes, tableBytes)),
                    Checksum.Finish(crc));
                header.Write(chunk);
                RandomAccess.Write(handle, chunk.AsSpan(0, EventIndexHeader.Size), 0);
                SegmentIO.DataSync(handle);
            }

            File.Move(temporary, indexPath, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(indexPath)!);
        }
        finally
        {
            File.Delete(temporary); // only left when something failed before the rename
        }
    }

    private void WriteKeys(SafeFileHandle handle, byte[] chunk, ref int used, ref long fileOffset, KeyEntry[] entries, Span<byte> table)
    {
        uint crc = Checksum.Begin();
        for (int i = 0; i < _count; i++)
        {
            Flush(handle, chunk, ref used, ref fileOffset, EventIndexHeader.KeyEntrySize);
            KeyEntry entry = entries[i];
            entry.Write(chunk.AsSpan(used));
            crc = AddToBlock(table, i, entry.Key, entry.Position, crc, chunk.AsSpan(used, EventIndexHeader.KeyEntrySize));
            used += EventIndexHeader.KeyEntrySize;
        }
    }

    // Entry i of a keyed section, as written: the first entry of a block fills the block's row of the table (its
    // fence) and restarts the running CRC, the last one (of the block or of the section) stores the block's CRC.
    private uint AddToBlock(Span<byte> table, int i, ulong key, long second, uint crc, ReadOnlySpan<byte> entry)
    {
        int block = i / EventIndexHeader.BlockEntries;
        Span<byte> row = table.Slice(block * EventIndexHeader.BlockRowSize, EventIndexHeader.BlockRowSize);
        if (i % EventIndexHeader.BlockEntries == 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(row, key);
            BinaryPrimitives.WriteInt64LittleEndian(row[8..], second);
            crc = Checksum.Begin();
        }

        crc = Checksum.Append(crc, entry);
        if (i % EventIndexHeader.BlockEntries == EventIndexHeader.BlockEntries - 1 || i == _count - 1)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(row[16..], Checksum.Finish(crc));
        }

        return crc;
    }

    // Writes the chunk out when the next entry would not fit in it.
    private static void Flush(SafeFileHandle handle, byte[] chunk, ref int used, ref long fileOffset, int next)
    {
        if (used + next <= chunk.Length || used == 0)
        {
            return;
        }

        RandomAccess.Write(handle, chunk.AsSpan(0, used), fileOffset);
        fileOffset += used;
        used = 0;
    }
}
