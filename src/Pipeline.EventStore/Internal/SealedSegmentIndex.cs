using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;
using Pipeline.EventStore.Format;
using Pipeline.Journal.Format;

namespace Pipeline.EventStore.Internal;

/// <summary>
/// The index file of a sealed segment, of which only the header and, per keyed section once it is needed, its block
/// table (the first key and the CRC-32C of every block of <see cref="BlockEntries"/> entries) stay in memory;
/// lookups read one block at a time from the file.
/// </summary>
/// <remarks>
/// Single-threaded (owned by one <see cref="EventIndex"/>). Memory: 24 bytes (fence, CRC, verified flag, padded) per
/// 512 entries of each keyed section used, about 1/500 of the file. Opening reads only the 64-byte header; the first lookup in a section reads and
/// verifies its block table (20 bytes per block); a block's CRC is checked the first time a lookup reads it (then
/// remembered), so a damaged block makes that lookup fail (the owner rebuilds the file), while damage in a block no
/// lookup has read goes unnoticed until one does. The file stays open between lookups until the owner's cache of
/// open index files closes it with <see cref="CloseFile"/>; the next lookup then opens it again. The owner also
/// parks the segment's <see cref="Mapping"/> here (and closes it itself).
/// </remarks>
internal sealed class SealedSegmentIndex
{
    public const int BlockEntries = EventIndexHeader.BlockEntries;

    private readonly string _path;
    private readonly Fence[]?[] _tables = new Fence[]?[3]; // by section: stream, type, producer; null until needed
    private SafeFileHandle? _handle;

    private SealedSegmentIndex(string path, SafeFileHandle handle, EventIndexHeader header)
    {
        _path = path;
        _handle = handle;
        CacheNode = new LinkedListNode<SealedSegmentIndex>(this);
        Header = header;
    }

    public EventIndexHeader Header { get; }

    /// <summary>This index's place in its owner's list of segments with open files (allocated once).</summary>
    public LinkedListNode<SealedSegmentIndex> CacheNode { get; }

    /// <summary>The mapping of the segment itself, once a cursor has read records of it (the owner opens and closes it).</summary>
    public SegmentMapping? Mapping { get; set; }

    /// <summary>How many cursors have read the segment with positional reads because it was not mapped yet.</summary>
    public int PositionalReads { get; set; }

    /// <summary>Whether the index file is open (false after <see cref="CloseFile"/> until the next lookup).</summary>
    public bool IsFileOpen => _handle is not null;

    /// <summary>Closes the index file; a later lookup opens it again.</summary>
    public void CloseFile()
    {
        _handle?.Dispose();
        _handle = null;
    }

    private SafeFileHandle Handle => _handle ??= File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>The last position the segment holds.</summary>
    public long LastPosition => Header.FirstPosition + Header.RecordCount - 1;

    /// <summary>
    /// Whether the index file of a sealed segment of <paramref name="segmentLength"/> bytes is present and its header
    /// valid and current (the body's CRC is not read); returns the reason when it is not.
    /// </summary>
    public static bool CheckHeader(string indexPath, long segmentFirst, long segmentLength, IndexKeyHash hash, out string? problem)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(indexPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return CheckHeader(handle, segmentFirst, segmentLength, hash, out _, out problem);
        }
        catch (FileNotFoundException)
        {
            problem = "the index file is missing";
            return false;
        }
    }

    /// <summary>
    /// Opens an index file and checks its header (64 bytes: the tables and blocks are verified as lookups read them);
    /// null and a reason when it is missing, of an older format version, damaged or stale.
    /// </summary>
    public static SealedSegmentIndex? TryOpen(string indexPath, long segmentFirst, long segmentLength, IndexKeyHash hash, out string? problem)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(indexPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            problem = "the index file is missing";
            return null;
        }

        if (!CheckHeader(handle, segmentFirst, segmentLength, hash, out EventIndexHeader header, out problem))
        {
            handle.Dispose();
            return null;
        }

        return new SealedSegmentIndex(indexPath, handle, header);
    }

    private static bool CheckHeader(SafeFileHandle handle, long segmentFirst, long segmentLength, IndexKeyHash hash, out EventIndexHeader header, out string? problem)
    {
        Span<byte> bytes = stackalloc byte[EventIndexHeader.Size];
        int read = RandomAccess.Read(handle, bytes, 0);
        if (!EventIndexHeader.TryRead(bytes[..read], out header, out problem))
        {
            return false;
        }

        long fileLength = RandomAccess.GetLength(handle);
        problem = header.KeyHash != (byte)hash ? $"the index was built with key hash {header.KeyHash}, not {(byte)hash}"
            : header.FirstPosition != segmentFirst ? $"the index is of the segment starting at {header.FirstPosition}, not {segmentFirst}"
            : header.SegmentLength != segmentLength ? $"the index covers {header.SegmentLength} bytes of the segment, which has {segmentLength}"
            : header.FileLength != fileLength ? $"the index file is {fileLength} bytes but its header describes {header.FileLength}"
            : null;
        return problem is null;
    }

    /// <summary>
    /// Adds the stream entries with <paramref name="hash"/> from <paramref name="fromVersion"/> on, in version order;
    /// false and a reason when a table or block it reads is damaged (<paramref name="hits"/> is then partial).
    /// </summary>
    public bool TryFindStream(ulong hash, long fromVersion, List<IndexHit> hits, byte[] block, out string? problem) =>
        TryFind(0, Header.StreamSectionOffset, EventIndexHeader.StreamEntrySize, hash, fromVersion, hits, block, out problem);

    public bool TryFindType(ulong hash, long fromPosition, List<IndexHit> hits, byte[] block, out string? problem) =>
        TryFind(1, Header.TypeSectionOffset, EventIndexHeader.KeyEntrySize, hash, fromPosition, hits, block, out problem);

    public bool TryFindProducer(ulong producerId, long fromPosition, List<IndexHit> hits, byte[] block, out string? problem) =>
        TryFind(2, Header.ProducerSectionOffset, EventIndexHeader.KeyEntrySize, producerId, fromPosition, hits, block, out problem);

    /// <summary>The block size the lookups need, in bytes.</summary>
    public const int BlockBytes = BlockEntries * EventIndexHeader.StreamEntrySize;

    private static readonly string[] s_sectionNames = ["stream", "type", "producer"];

    // Entries sort by (key, second): the block to start in is the last whose first entry is below the target.
    // In every section the key is at byte 0, the second sort field at 8, and the position and offset are the last 16 bytes.
    private bool TryFind(int section, long sectionOffset, int entrySize, ulong key, long fromSecond, List<IndexHit> hits, byte[] block, out string? problem)
    {
        problem = null;
        Fence[]? fences = _tables[section] ?? LoadTableSlow(section, out problem);
        if (fences is null)
        {
            return false;
        }

        int low = 0;
        int high = fences.Length - 1;
        int start = 0;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            Fence f = fences[middle];
            if (f.Key < key || (f.Key == key && f.Second < fromSecond))
            {
                start = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        SafeFileHandle handle = Handle;
        int count = Header.RecordCount;
        for (int b = start; (long)b * BlockEntries < count; b++)
        {
            int first = b * BlockEntries;
            int n = Math.Min(BlockEntries, count - first);
            Span<byte> bytes = block.AsSpan(0, n * entrySize);
            ReadExactly(handle, bytes, sectionOffset + ((long)first * entrySize));
            if (!fences[b].Verified)
            {
                if (Checksum.Compute(bytes) != fences[b].Crc)
                {
                    problem = $"block {b} of its {s_sectionNames[section]} section does not match its CRC-32C";
                    return false;
                }

                fences[b].Verified = true; // the file is only ever replaced whole, by the same bytes
            }

            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<byte> entry = bytes.Slice(i * entrySize, entrySize);
                ulong k = BinaryPrimitives.ReadUInt64LittleEndian(entry);
                if (k > key)
                {
                    problem = null;
                    return true;
                }

                if (k < key || BinaryPrimitives.ReadInt64LittleEndian(entry[8..]) < fromSecond)
                {
                    continue;
                }

                hits.Add(new IndexHit(BinaryPrimitives.ReadInt64LittleEndian(entry[(entrySize - 16)..]), BinaryPrimitives.ReadInt64LittleEndian(entry[(entrySize - 8)..])));
            }
        }

        problem = null;
        return true;
    }

    // Reads a section's block table (20 bytes per block) and checks it against its CRC in the header.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Fence[]? LoadTableSlow(int section, out string? problem)
    {
        (long offset, uint expected) = section switch
        {
            0 => (EventIndexHeader.StreamTableOffset, Header.StreamTableCrc),
            1 => (Header.TypeTableOffset, Header.TypeTableCrc),
            _ => (Header.ProducerTableOffset, Header.ProducerTableCrc),
        };
        int length = (int)Header.TableBytes;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            Span<byte> bytes = buffer.AsSpan(0, length);
            ReadExactly(Handle, bytes, offset);
            if (Checksum.Compute(bytes) != expected)
            {
                problem = $"its {s_sectionNames[section]} block table does not match its CRC-32C";
                return null;
            }

            var fences = new Fence[Header.BlockCount];
            for (int i = 0; i < fences.Length; i++)
            {
                ReadOnlySpan<byte> row = bytes.Slice(i * EventIndexHeader.BlockRowSize, EventIndexHeader.BlockRowSize);
                fences[i] = new Fence(BinaryPrimitives.ReadUInt64LittleEndian(row), BinaryPrimitives.ReadInt64LittleEndian(row[8..]), BinaryPrimitives.ReadUInt32LittleEndian(row[16..]));
            }

            problem = null;
            return _tables[section] = fences;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>For tests: the fences (first key, first second sort field) of a section's blocks, read from the file.</summary>
    internal (ulong Key, long Second)[] ReadFences(int section)
    {
        Fence[] fences = _tables[section] ?? LoadTableSlow(section, out string? problem) ?? throw new IOException(problem);
        return Array.ConvertAll(fences, f => (f.Key, f.Second));
    }

    /// <summary>
    /// The time entry to scan forward from for the first record with a timestamp at or after <paramref name="ticks"/>
    /// (the segment's <see cref="EventIndexHeader.MaxTimestamp"/> must be at least <paramref name="ticks"/>); false and
    /// a reason when the time section does not match its CRC-32C (checked at every call: it is read whole each time).
    /// </summary>
    public bool TryFindTimeStart(long ticks, out TimeEntry start, out string? problem)
    {
        int length = Header.TimeEntryCount * EventIndexHeader.TimeEntrySize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            ReadExactly(Handle, buffer.AsSpan(0, length), Header.TimeSectionOffset);
            if (Checksum.Compute(buffer.AsSpan(0, length)) != Header.TimeCrc)
            {
                start = default;
                problem = "its time section does not match its CRC-32C";
                return false;
            }

            int low = 0;
            int high = Header.TimeEntryCount - 1;
            int found = 0;
            while (low <= high)
            {
                int middle = low + ((high - low) / 2);
                if (BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(middle * EventIndexHeader.TimeEntrySize)) < ticks)
                {
                    found = middle; // every record up to this entry is older than ticks: the answer is after it
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            start = TimeEntry.Read(buffer.AsSpan(found * EventIndexHeader.TimeEntrySize));
            problem = null;
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = RandomAccess.Read(handle, destination[total..], offset + total);
            if (read <= 0)
            {
                throw new IOException($"The index file {_path} ended at {offset + total}, inside an entry its header describes.");
            }

            total += read;
        }
    }

    // A block's row of its table; Verified is set once the block's bytes have matched Crc.
    private struct Fence(ulong key, long second, uint crc)
    {
        public readonly ulong Key = key;
        public readonly long Second = second;
        public readonly uint Crc = crc;
        public bool Verified;
    }

}
