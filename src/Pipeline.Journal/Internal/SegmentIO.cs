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

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FdataSync(SafeFileHandle handle);
}
