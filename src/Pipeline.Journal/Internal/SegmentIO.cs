using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Journal.Internal;

/// <summary>The writer's positional writes and fsyncs, behind a seam so that tests can make them fail.</summary>
internal class SegmentIO
{
    public static readonly SegmentIO Default = new();

    public virtual void Write(SafeFileHandle handle, ReadOnlySpan<byte> bytes, long position) =>
        RandomAccess.Write(handle, bytes, position);

    public virtual void Flush(SafeFileHandle handle) => DataSync(handle);

    /// <summary>
    /// Forces the file's data, and the metadata needed to read it back (its size), to disk: fdatasync on Linux, which
    /// unlike fsync skips timestamps, so an overwrite of preallocated space needs no filesystem-journal commit.
    /// Elsewhere <see cref="RandomAccess.FlushToDisk"/>.
    /// </summary>
    public static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        if (FdataSync(handle) != 0)
        {
            throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// Starts writeback of a range without waiting for it (Linux <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>; nothing
    /// elsewhere): a background writer's dirty pages then go to disk a little at a time, never in a burst.
    /// </summary>
    public static void StartWriteback(SafeFileHandle handle, long offset, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SyncFileRange(handle, offset, length, SyncFileRangeWrite); // advisory: the final DataSync still checks
        }
    }

    private const uint SyncFileRangeWrite = 2;

    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static extern int SyncFileRange(SafeFileHandle handle, long offset, long length, uint flags);

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FdataSync(SafeFileHandle handle);
}
