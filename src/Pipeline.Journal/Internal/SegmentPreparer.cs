using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Journal.Internal;

/// <summary>
/// Keeps one zero-filled spare segment file ready on a background thread, so that sealing a segment under
/// <see cref="JournalOptions.Preallocate"/> never waits for hundreds of megabytes of zeros.
/// </summary>
/// <remarks>
/// The spare (<see cref="SpareFileName"/>) is not a segment: <see cref="SegmentFiles.List"/> ignores it, and a spare
/// left by a crash is deleted on the next open. The writer takes it with <see cref="TryTake"/> (writer thread) and
/// asks for the next with <see cref="PrepareNext"/> once it has renamed it. If none is ready, the writer creates an
/// ordinary segment: a roll never stalls.
/// </remarks>
// Design: _state hands the spare file between the two threads. Idle/Taken -> Preparing (writer, PrepareNext, after
// it renamed any spare it took) -> Ready (preparer, after the final fsync) -> Taken (writer, TryTake). The preparer
// touches the spare path only while Preparing, so it can never delete a spare the writer has taken.
internal sealed class SegmentPreparer : IDisposable
{
    public const string SpareFileName = "spare-segment.preallocated";

    private const int ChunkBytes = 1 << 20;

    // Flush every so many bytes: zeros written in one burst and synced at the end would queue hundreds of megabytes
    // in front of the journal's own small group commits.
    private const long SyncEveryBytes = 4L << 20;

    // The background fill is paced to about this many bytes per second (256 MiB in 8 s) and hands each chunk to
    // writeback without waiting for it: measured here, a fill at 128 MiB/s with an fdatasync per 4 MiB raised the
    // service's p99 at 250k commands/s from ~6 ms to 13-45 ms. The writer asks for the spare as soon as a segment
    // starts, so it has the whole segment's time.
    private const long BackgroundBytesPerSecond = 32L << 20;

    private readonly string _path;
    private readonly long _size;
    private readonly ILogger _logger;
    private readonly AutoResetEvent _work = new(false);
    private readonly ManualResetEventSlim _readySignal = new(false);
    private readonly Thread _thread;
    private const int Idle = 0;
    private const int Preparing = 1;
    private const int Ready = 2;
    private const int Taken = 3;

    private int _state;
    private volatile bool _stopping;

    public SegmentPreparer(string directory, long size, ILogger logger)
    {
        _path = Path.Combine(directory, SpareFileName);
        _size = size;
        _logger = logger;
        _thread = new Thread(Run) { Name = "journal-preallocator", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Starts preparing a spare unless one is ready or being prepared. Writer thread, never between a take and its rename.</summary>
    public void PrepareNext()
    {
        if (Interlocked.CompareExchange(ref _state, Preparing, Idle) == Idle
            || Interlocked.CompareExchange(ref _state, Preparing, Taken) == Taken)
        {
            _work.Set();
        }
    }

    /// <summary>The ready spare's path, now the caller's to rename; false when none is ready.</summary>
    public bool TryTake(out string path)
    {
        path = _path;
        if (Interlocked.CompareExchange(ref _state, Taken, Ready) != Ready)
        {
            return false;
        }

        _readySignal.Reset();
        return true;
    }

    /// <summary>For tests: waits until a spare is ready to take.</summary>
    internal bool WaitUntilReady(TimeSpan timeout) => _readySignal.Wait(timeout);

    /// <summary>Writes zeros into <paramref name="handle"/> from <paramref name="from"/> up to <paramref name="to"/>, then fdatasyncs.</summary>
    /// <remarks>Real zeros, not <c>fallocate</c>: writing into unwritten extents later is a metadata change again.</remarks>
    /// <param name="handle">The file.</param>
    /// <param name="from">The first offset to zero.</param>
    /// <param name="to">The end offset (the file's new length if it was shorter).</param>
    /// <param name="paced">Spread the writes over time at <see cref="BackgroundBytesPerSecond"/> (background fills).</param>
    public static void ZeroFill(SafeFileHandle handle, long from, long to, bool paced = false)
    {
        byte[] zeros = new byte[ChunkBytes];
        long sinceSync = 0;
        long started = Stopwatch.GetTimestamp();
        for (long position = from; position < to;)
        {
            int length = (int)Math.Min(zeros.Length, to - position);
            RandomAccess.Write(handle, zeros.AsSpan(0, length), position);
            position += length;
            sinceSync += length;
            if (sinceSync >= SyncEveryBytes)
            {
                if (paced)
                {
                    SegmentIO.StartWriteback(handle, position - sinceSync, sinceSync);
                }
                else
                {
                    SegmentIO.DataSync(handle);
                }

                sinceSync = 0;
                if (paced)
                {
                    TimeSpan due = TimeSpan.FromSeconds((double)(position - from) / BackgroundBytesPerSecond);
                    TimeSpan ahead = due - Stopwatch.GetElapsedTime(started);
                    if (ahead > TimeSpan.Zero)
                    {
                        Thread.Sleep(ahead);
                    }
                }
            }
        }

        SegmentIO.DataSync(handle);
    }

    private void Run()
    {
        BackgroundPriority.LowerCurrentThread();
        while (true)
        {
            _work.WaitOne();
            if (_stopping)
            {
                return;
            }

            if (Volatile.Read(ref _state) != Preparing)
            {
                continue;
            }

            try
            {
                File.Delete(_path);
                using (SafeFileHandle handle = File.OpenHandle(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete))
                {
                    ZeroFill(handle, 0, _size, paced: true);
                }

                Volatile.Write(ref _state, Ready);
                _readySignal.Set();
            }
#pragma warning disable CA1031 // A failed spare costs only speed: the next roll creates an ordinary segment.
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
#pragma warning restore CA1031
            {
                Log.PreallocationFailed(_logger, ex, _path);
                Volatile.Write(ref _state, Idle);
            }
        }
    }

    /// <summary>Stops the thread (after the spare in progress) and deletes a spare that was not taken.</summary>
    public void Dispose()
    {
        _stopping = true;
        _work.Set();
        _thread.Join();
        _work.Dispose();
        _readySignal.Dispose();
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Deleted on the next open instead.
        }
    }
}
