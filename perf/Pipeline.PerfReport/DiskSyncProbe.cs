using System;
using System.Diagnostics;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.PerfReport;

/// <summary>
/// Times "append one block, force it to disk" on a scratch file, the way the journal commits a batch:
/// RandomAccess.Write followed by RandomAccess.FlushToDisk, which is fsync(2) on Linux (the runtime offers no
/// fdatasync; for an append that grows the file both must write the size, so they cost about the same).
/// </summary>
internal static class DiskSyncProbe
{
    public const string Method = "RandomAccess.Write + RandomAccess.FlushToDisk (fsync(2) on Linux)";
    public const int BlockBytes = 4096;

    /// <summary>Times <paramref name="samples"/> appends after a few untimed ones; the scratch file is deleted.</summary>
    public static DiskSyncResult Measure(string directory, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $".disk-sync-probe-{Environment.ProcessId}.tmp");
        var block = new byte[BlockBytes];
        new Random(42).NextBytes(block);
        var micros = new double[samples];
        int warmup = Math.Min(10, samples);
        using (SafeFileHandle handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose))
        {
            long position = 0;
            for (int i = -warmup; i < samples; i++)
            {
                long start = Stopwatch.GetTimestamp();
                RandomAccess.Write(handle, block, position);
                RandomAccess.FlushToDisk(handle);
                long elapsed = Stopwatch.GetTimestamp() - start;
                position += BlockBytes;
                if (i >= 0)
                {
                    micros[i] = elapsed * 1e6 / Stopwatch.Frequency;
                }
            }
        }

        Array.Sort(micros);
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
            Directory = Path.GetFullPath(directory),
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
