using System;
using System.IO;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using Pipeline.Journal.Internal;
using Pipeline.Testing;

namespace Pipeline.Consumers.Tests;

/// <summary>
/// The store's I/O seam for tests: counts writes and fsyncs, fails the write or fsync with a given number (1-based,
/// counted from the store's open), may write only half of the failing write, and may hold one fsync until released.
/// </summary>
/// <remarks>Thread-safe: committers write under the store's lock, and the syncer fsyncs outside it.</remarks>
internal sealed class TestSegmentIO : SegmentIO, IDisposable
{
    private readonly ManualResetEventSlim _gateEntered = new();
    private readonly ManualResetEventSlim _gateReleased = new();
    private int _writes;
    private int _flushes;
    private int _gateAt;

    /// <summary>The number of the write that throws; 0 = none.</summary>
    public int FailWriteAt { get; set; }

    /// <summary>Whether the failing write first writes half of its bytes, as a disk that fills up in the middle would.</summary>
    public bool HalfWriteOnFailure { get; set; }

    /// <summary>The number of the fsync that throws; 0 = none.</summary>
    public int FailFlushAt { get; set; }

    public int Writes => Volatile.Read(ref _writes);

    public int Flushes => Volatile.Read(ref _flushes);

    /// <summary>Counts every write; a test awaits a number of them.</summary>
    public CountSignal WriteSignal { get; } = new();

    /// <summary>Makes the next fsync wait (bounded) for <see cref="ReleaseGate"/>; <see cref="WaitUntilGateEntered"/> returns once it waits.</summary>
    public void ArmGate() => Volatile.Write(ref _gateAt, Flushes + 1);

    public void WaitUntilGateEntered()
    {
        if (!_gateEntered.Wait(TestTimeouts.Default))
        {
            throw new TimeoutException("No fsync reached the gate.");
        }
    }

    public void ReleaseGate() => _gateReleased.Set();

    public void Dispose()
    {
        _gateEntered.Dispose();
        _gateReleased.Dispose();
    }

    public override void Write(SafeFileHandle handle, ReadOnlySpan<byte> bytes, long position)
    {
        int n = Interlocked.Increment(ref _writes);
        try
        {
            if (n == FailWriteAt)
            {
                if (HalfWriteOnFailure)
                {
                    base.Write(handle, bytes[..(bytes.Length / 2)], position);
                }

                throw new IOException("Injected write failure (No space left on device).");
            }

            base.Write(handle, bytes, position);
        }
        finally
        {
            WriteSignal.Add();
        }
    }

    public override void Flush(SafeFileHandle handle)
    {
        int n = Interlocked.Increment(ref _flushes);
        if (n == Volatile.Read(ref _gateAt))
        {
            _gateEntered.Set();
            if (!_gateReleased.Wait(TestTimeouts.Default))
            {
                throw new TimeoutException("The gated fsync was not released.");
            }
        }

        if (n == FailFlushAt)
        {
            throw new IOException("Injected fsync failure (Input/output error).");
        }

        base.Flush(handle);
    }
}
