using System;
using System.IO;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using Pipeline.Journal.Internal;

namespace Pipeline.Testing;

/// <summary>
/// The journal writer's I/O seam with injected failures: the Nth write and/or the Nth fsync (1-based) throws
/// <see cref="IOException"/> without touching the file. Counts every call, so a test can prove nothing is retried.
/// </summary>
/// <remarks>Thread-safe: the interval flusher calls <see cref="Flush"/> on its own thread.</remarks>
internal sealed class FaultInjectingSegmentIO : SegmentIO
{
    private readonly int _failOnWrite;
    private readonly int _failOnFlush;
    private int _writes;
    private int _flushes;

    /// <summary>Fails the <paramref name="failOnWrite"/>th write and the <paramref name="failOnFlush"/>th fsync; 0 = never.</summary>
    public FaultInjectingSegmentIO(int failOnWrite = 0, int failOnFlush = 0)
    {
        _failOnWrite = failOnWrite;
        _failOnFlush = failOnFlush;
    }

    /// <summary>Write calls so far, including the failed one.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>fsync calls so far, including the failed one.</summary>
    public int Flushes => Volatile.Read(ref _flushes);

    public override void Write(SafeFileHandle handle, ReadOnlySpan<byte> bytes, long position)
    {
        if (Interlocked.Increment(ref _writes) == _failOnWrite)
        {
            throw new IOException("Injected write failure (No space left on device).");
        }

        base.Write(handle, bytes, position);
    }

    public override void Flush(SafeFileHandle handle)
    {
        if (Interlocked.Increment(ref _flushes) == _failOnFlush)
        {
            throw new IOException("Injected fsync failure (Input/output error).");
        }

        base.Flush(handle);
    }
}
