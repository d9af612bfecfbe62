using System;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Journal.Internal;

/// <summary>The writer's positional writes and fsyncs, behind a seam so that tests can make them fail.</summary>
internal class SegmentIO
{
    public static readonly SegmentIO Default = new();

    public virtual void Write(SafeFileHandle handle, ReadOnlySpan<byte> bytes, long position) =>
        RandomAccess.Write(handle, bytes, position);

    public virtual void Flush(SafeFileHandle handle) => RandomAccess.FlushToDisk(handle);
}
