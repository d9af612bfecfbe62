using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.PerfReport;

/// <summary>
/// Times "append one block, force it to disk" on a scratch file, the way the journal commits a batch:
/// RandomAccess.Write followed by RandomAccess.FlushToDisk, which is fsync(2) on Linux. On Linux it also times the
/// same append followed by fdatasync(2) (libc; the runtime has no managed call for it): for an append that grows
/// the file both must write the new size, so they should cost about the same, and the probe shows whether they do.
/// </summary>
internal static partial class DiskSyncProbe
{
    public const string Method = "RandomAccess.Write + RandomAccess.FlushToDisk (fsync(2) on Linux)";
    public const int BlockBytes = 4096;

    /// <summary>Times <paramref name="samples"/> appends after a few untimed ones; the scratch file is deleted.</summary>
    public static DiskSyncResult Measure(string directory, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $".disk-sync-probe-{Environment.ProcessId}.tmp");
        double[] micros = Time(path, samples, RandomAccess.FlushToDisk);
        double[]? datasync = OperatingSystem.IsLinux() ? Time(path, samples, FdataSync) : null;
        double sum = 0;
        foreach (double m in micros)
        {
            sum += m;
        }

        return new DiskSyncResult
        {
            Method = Method,
            Samples = samples,
            BlockBytes = BlockBytes,
            P50Us = Percentile(micros, 50),
            P99Us = Percentile(micros, 99),
            MaxUs = micros[^1],
            MeanUs = sum / samples,
            FdatasyncP50Us = datasync is null ? null : Percentile(datasync, 50),
            FdatasyncP99Us = datasync is null ? null : Percentile(datasync, 99),
            Directory = Path.GetFullPath(directory),
        };
    }

    // Appends samples blocks (after up to 10 untimed ones) to a fresh scratch file, flushing each with flush;
    // returns the sorted times in microseconds. The file is deleted.
    private static double[] Time(string path, int samples, Action<SafeFileHandle> flush)
    {
        var micros = new double[samples];
        int warmup = Math.Min(10, samples);
        int taken = -warmup;
        AppendAndSync(path, flush, () => taken < samples, (start, end) =>
        {
            if (taken >= 0)
            {
                micros[taken] = Micros(end - start);
            }

            taken++;
        });
        Array.Sort(micros);
        return micros;
    }

    // The probes' one loop: append a block to a fresh scratch file, force it to disk with flush, hand over the
    // Stopwatch timestamps before and after the pair; while more() says so. The file is deleted.
    private static void AppendAndSync(string path, Action<SafeFileHandle> flush, Func<bool> more, Action<long, long> sample)
    {
        var block = new byte[BlockBytes];
        new Random(42).NextBytes(block);
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        long position = 0;
        while (more())
        {
            long start = Stopwatch.GetTimestamp();
            RandomAccess.Write(handle, block, position);
            flush(handle);
            sample(start, Stopwatch.GetTimestamp());
            position += BlockBytes;
        }
    }

    private static double Micros(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private static void FdataSync(SafeFileHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (NativeFdatasync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int NativeFdatasync(int fd);

    /// <summary>A sync this slow counts as a stall in <see cref="WatchStalls"/>.</summary>
    public const double StallMicros = 10_000;

    /// <summary>
    /// Appends and syncs (fdatasync on Linux, else fsync) back to back for <paramref name="duration"/>: a few hundred
    /// samples miss the stalls a shared disk has a few times a minute, and one such stall is a latency spike for
    /// every durable acknowledgement, so the stalls are counted over a stretch of time. The same syncs give the
    /// latency an ideal group commit would have on this disk (<see cref="GroupCommitFloor"/>).
    /// </summary>
    public static DiskStallWatch WatchStalls(string directory, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $".disk-stall-watch-{Environment.ProcessId}.tmp");
        Action<SafeFileHandle> flush = OperatingSystem.IsLinux() ? FdataSync : RandomAccess.FlushToDisk;
        var starts = new List<double>(4096);
        var ends = new List<double>(4096);
        long stalls = 0;
        double max = 0;
        long origin = Stopwatch.GetTimestamp();
        long stop = origin + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        AppendAndSync(path, flush, () => Stopwatch.GetTimestamp() < stop, (start, end) =>
        {
            double micros = Micros(end - start);
            starts.Add(Micros(start - origin));
            ends.Add(Micros(end - origin));
            stalls += micros >= StallMicros ? 1 : 0;
            max = Math.Max(max, micros);
        });

        GroupCommitFloor? floor = starts.Count >= 2 ? GroupCommitFloor.FromSyncs(CollectionsMarshal.AsSpan(starts), CollectionsMarshal.AsSpan(ends)) : null;
        return new DiskStallWatch
        {
            Seconds = duration.TotalSeconds,
            Samples = starts.Count,
            Stalls = stalls,
            MaxUs = max,
            GroupCommitP50Us = floor?.Percentile(50),
            GroupCommitP99Us = floor?.Percentile(99),
            GroupCommitP999Us = floor?.Percentile(99.9),
            GroupCommitOver5MsPercent = floor is null ? null : floor.ShareAbove(5_000) * 100,
        };
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Length);
        int rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
