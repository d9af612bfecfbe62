using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.EventStore.Internal;

/// <summary>
/// A read-only memory mapping of a sealed segment, the length its index file covers: the index cursor copies its
/// records out of it instead of making one positional read (a system call) per record.
/// </summary>
/// <remarks>
/// Single-threaded (owned by one <see cref="EventIndex"/>). Only sealed segments are mapped: they never change
/// once they have a successor, whereas the last segment grows and a writer's recovery may cut it back (touching
/// a mapped page past the end of a file kills the process, so nothing past <see cref="Length"/> is ever read, and
/// <see cref="Length"/> is never more than the file had when it was mapped). The mapping is virtual memory: the
/// pages are the page cache's, shared and reclaimable. A cursor pins the mapping it reads
/// (<see cref="Acquire"/>/<see cref="Release"/>), so an eviction from the index's cache while a cursor is still
/// reading it only closes it when that cursor lets go.
/// </remarks>
internal sealed class SegmentMapping
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly SafeMemoryMappedViewHandle _memory;
    private readonly ulong _start; // where byte 0 of the file is in the view (the view starts on a page boundary)
    private int _users;
    private bool _evicted;
    private bool _closed;

    private SegmentMapping(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        Path = path;
        _file = file;
        _view = view;
        _memory = view.SafeMemoryMappedViewHandle;
        _start = (ulong)view.PointerOffset;
        Length = length;
        AdviseRandom(_memory, _start + (ulong)length);
    }

    // A record read touches one or two pages: without the advice, a fault on a page not in the page cache reads the
    // pages around it too (readahead), which made reads with a dropped page cache 6-9 times slower than positional
    // reads. Best effort: a failure only loses the hint.
    private static void AdviseRandom(SafeMemoryMappedViewHandle memory, ulong length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        bool added = false;
        try
        {
            memory.DangerousAddRef(ref added);
            _ = Madvise(memory.DangerousGetHandle(), (nuint)length, MadviseRandom);
        }
        finally
        {
            if (added)
            {
                memory.DangerousRelease();
            }
        }
    }

    private const int MadviseRandom = 1; // MADV_RANDOM
    private const int MadviseWillNeed = 3; // MADV_WILLNEED

    /// <summary>
    /// Asks the kernel to start reading the pages of <paramref name="length"/> bytes from <paramref name="offset"/>
    /// (cut at <see cref="Length"/>) into the page cache without waiting for them, so that several reads of pages not
    /// in memory overlap instead of faulting one after the other. One system call; best effort (a hint only).
    /// </summary>
    public void WillNeed(long offset, long length)
    {
        if (!OperatingSystem.IsLinux() || (ulong)offset >= (ulong)Length)
        {
            return;
        }

        long pageSize = Environment.SystemPageSize;
        ulong first = (_start + (ulong)offset) & ~(ulong)(pageSize - 1);
        ulong end = _start + (ulong)Math.Min(Length, offset + length);
        bool added = false;
        try
        {
            _memory.DangerousAddRef(ref added);
            _ = Madvise(_memory.DangerousGetHandle() + (nint)first, (nuint)(end - first), MadviseWillNeed);
        }
        finally
        {
            if (added)
            {
                _memory.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// posix_fadvise(POSIX_FADV_WILLNEED) of a byte range of an open file: like <see cref="WillNeed(long, long)"/> for a file read
    /// with positional reads. Best effort.
    /// </summary>
    public static void WillNeed(SafeFileHandle handle, long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            _ = PosixFadvise((int)handle.DangerousGetHandle(), offset, length, FadviseWillNeed);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private const int FadviseWillNeed = 3; // POSIX_FADV_WILLNEED

    [DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int PosixFadvise(int fd, long offset, long length, int advice);

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(IntPtr address, nuint length, int advice);

    public string Path { get; }

    /// <summary>How many bytes of the segment can be read.</summary>
    public long Length { get; }

    /// <summary>Whether it has been closed (evicted and no cursor holds it any more).</summary>
    public bool IsClosed => _closed;

    /// <summary>Maps the first <paramref name="length"/> bytes of a sealed segment, fewer if the file is shorter now.</summary>
    public static SegmentMapping Open(string path, long length)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        MemoryMappedFile? file = null;
        try
        {
            length = Math.Min(length, RandomAccess.GetLength(handle));
            if (length <= 0)
            {
                throw new EventLogCorruptedException(path, 0, 0, "the sealed segment is empty");
            }

            file = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            MemoryMappedViewAccessor view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            return new SegmentMapping(path, file, view, length);
        }
        catch
        {
            if (file is null)
            {
                handle.Dispose();
            }
            else
            {
                file.Dispose(); // owns the handle
            }

            throw;
        }
    }

    /// <summary>The little-endian int at <paramref name="offset"/>, or -1 when it is not wholly inside the mapping.</summary>
    public int ReadInt32(long offset)
    {
        if ((ulong)offset > (ulong)(Length - sizeof(int)))
        {
            return -1;
        }

        Span<byte> bytes = stackalloc byte[sizeof(int)];
        _memory.ReadSpan(_start + (ulong)offset, bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    /// <summary>Copies the bytes from <paramref name="offset"/> on into <paramref name="destination"/>, cut short at <see cref="Length"/>; returns how many.</summary>
    public int Read(long offset, Span<byte> destination)
    {
        if ((ulong)offset >= (ulong)Length)
        {
            return 0;
        }

        int count = (int)Math.Min(destination.Length, Length - offset);
        _memory.ReadSpan(_start + (ulong)offset, destination[..count]);
        return count;
    }

    public void Acquire() => _users++;

    public void Release()
    {
        _users--;
        if (_users == 0 && _evicted)
        {
            Close();
        }
    }

    /// <summary>Drops the cache's hold: closes now, or when the last cursor reading it releases it.</summary>
    public void Evict()
    {
        _evicted = true;
        if (_users == 0)
        {
            Close();
        }
    }

    private void Close()
    {
        if (!_closed)
        {
            _closed = true;
            _view.Dispose();
            _file.Dispose();
        }
    }
}
