using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Pipeline.EventStore.Format;
using Pipeline.Journal.Format;

namespace Pipeline.EventStore.Internal;

/// <summary>
/// A verified index file of a sealed segment, of which only the header and the fences (the first key of every
/// block of <see cref="BlockEntries"/> entries) stay in memory; lookups read one block at a time from the file.
/// </summary>
/// <remarks>
/// Single-threaded (owned by one <see cref="EventIndex"/>). Memory: 16 bytes per 512 entries of each of the three
/// keyed sections, about 1/900 of the file. The file stays open between lookups (a lookup reads the blocks it needs
/// through that handle) until the owner's cache of open index files closes it with <see cref="CloseFile"/>; the next
/// lookup then opens it again. The owner also parks the segment's <see cref="Mapping"/> here (and closes it itself).
/// </remarks>
internal sealed class SealedSegmentIndex
{
    public const int BlockEntries = 512;
    private const int VerifyChunkBytes = 1024 * 1024;

    private readonly string _path;
    private readonly Fence[] _streamFences;
    private readonly Fence[] _typeFences;
    private readonly Fence[] _producerFences;
    private SafeFileHandle? _handle;

    private SealedSegmentIndex(string path, SafeFileHandle handle, EventIndexHeader header, Fence[] streams, Fence[] types, Fence[] producers)
    {
        _path = path;
        _handle = handle;
        CacheNode = new LinkedListNode<SealedSegmentIndex>(this);
        Header = header;
        _streamFences = streams;
        _typeFences = types;
        _producerFences = producers;
    }

    public EventIndexHeader Header { get; }

    /// <summary>This index's place in its owner's list of segments with open files (allocated once).</summary>
    public LinkedListNode<SealedSegmentIndex> CacheNode { get; }

    /// <summary>The mapping of the segment itself, once a cursor has read records of it (the owner opens and closes it).</summary>
    public SegmentMapping? Mapping { get; set; }

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

    /// <summary>Opens and verifies (whole-file CRC) an index file; null and a reason when it is missing, damaged or stale.</summary>
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

        bool keep = false;
        try
        {
            if (!CheckHeader(handle, segmentFirst, segmentLength, hash, out EventIndexHeader header, out problem))
            {
                return null;
            }

            var streams = new Fence[FenceCount(header.RecordCount)];
            var types = new Fence[streams.Length];
            var producers = new Fence[streams.Length];
            byte[] chunk = ArrayPool<byte>.Shared.Rent(VerifyChunkBytes);
            try
            {
                uint crc = Checksum.Begin();
                for (long offset = EventIndexHeader.Size; offset < header.FileLength;)
                {
                    int length = (int)Math.Min(VerifyChunkBytes, header.FileLength - offset);
                    RandomAccess.Read(handle, chunk.AsSpan(0, length), offset);
                    crc = Checksum.Append(crc, chunk.AsSpan(0, length));
                    offset += length;
                }

                if (Checksum.Finish(crc) != header.BodyCrc)
                {
                    problem = "the index file's CRC-32C does not match its contents";
                    return null;
                }

                Span<byte> fence = stackalloc byte[16];
                for (int i = 0; i < streams.Length; i++)
                {
                    long entry = (long)i * BlockEntries;
                    streams[i] = ReadFence(handle, fence, EventIndexHeader.StreamSectionOffset + (entry * EventIndexHeader.StreamEntrySize));
                    types[i] = ReadFence(handle, fence, header.TypeSectionOffset + (entry * EventIndexHeader.KeyEntrySize));
                    producers[i] = ReadFence(handle, fence, header.ProducerSectionOffset + (entry * EventIndexHeader.KeyEntrySize));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            keep = true;
            return new SealedSegmentIndex(indexPath, handle, header, streams, types, producers);
        }
        finally
        {
            if (!keep)
            {
                handle.Dispose();
            }
        }
    }

    private static int FenceCount(int entries) => (int)(((long)entries + BlockEntries - 1) / BlockEntries);

    private static Fence ReadFence(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        RandomAccess.Read(handle, buffer, offset);
        return new Fence(BinaryPrimitives.ReadUInt64LittleEndian(buffer), BinaryPrimitives.ReadInt64LittleEndian(buffer[8..]));
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

    /// <summary>Adds the stream entries with <paramref name="hash"/> from <paramref name="fromVersion"/> on, in version order.</summary>
    public void FindStream(ulong hash, long fromVersion, List<IndexHit> hits, byte[] block) =>
        Find(EventIndexHeader.StreamSectionOffset, EventIndexHeader.StreamEntrySize, _streamFences, hash, fromVersion, hits, block);

    public void FindType(ulong hash, long fromPosition, List<IndexHit> hits, byte[] block) =>
        Find(Header.TypeSectionOffset, EventIndexHeader.KeyEntrySize, _typeFences, hash, fromPosition, hits, block);

    public void FindProducer(ulong producerId, long fromPosition, List<IndexHit> hits, byte[] block) =>
        Find(Header.ProducerSectionOffset, EventIndexHeader.KeyEntrySize, _producerFences, producerId, fromPosition, hits, block);

    /// <summary>The block size the lookups need, in bytes.</summary>
    public const int BlockBytes = BlockEntries * EventIndexHeader.StreamEntrySize;

    // Entries sort by (key, second): the block to start in is the last whose first entry is below the target.
    // In every section the key is at byte 0, the second sort field at 8, and the position and offset are the last 16 bytes.
    private void Find(long sectionOffset, int entrySize, Fence[] fences, ulong key, long fromSecond, List<IndexHit> hits, byte[] block)
    {
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
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<byte> entry = bytes.Slice(i * entrySize, entrySize);
                ulong k = BinaryPrimitives.ReadUInt64LittleEndian(entry);
                if (k > key)
                {
                    return;
                }

                if (k < key || BinaryPrimitives.ReadInt64LittleEndian(entry[8..]) < fromSecond)
                {
                    continue;
                }

                hits.Add(new IndexHit(BinaryPrimitives.ReadInt64LittleEndian(entry[(entrySize - 16)..]), BinaryPrimitives.ReadInt64LittleEndian(entry[(entrySize - 8)..])));
            }
        }
    }

    /// <summary>
    /// The time entry to scan forward from for the first record with a timestamp at or after <paramref name="ticks"/>
    /// (the segment's <see cref="EventIndexHeader.MaxTimestamp"/> must be at least <paramref name="ticks"/>).
    /// </summary>
    public TimeEntry FindTimeStart(long ticks)
    {
        int length = Header.TimeEntryCount * EventIndexHeader.TimeEntrySize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            ReadExactly(Handle, buffer.AsSpan(0, length), Header.TimeSectionOffset);
            int low = 0;
            int high = Header.TimeEntryCount - 1;
            int start = 0;
            while (low <= high)
            {
                int middle = low + ((high - low) / 2);
                if (BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(middle * EventIndexHeader.TimeEntrySize)) < ticks)
                {
                    start = middle; // every record up to this entry is older than ticks: the answer is after it
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return TimeEntry.Read(buffer.AsSpan(start * EventIndexHeader.TimeEntrySize));
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

    private readonly record struct Fence(ulong Key, long Second);
}
