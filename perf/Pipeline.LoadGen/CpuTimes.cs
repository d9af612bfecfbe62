using System;
using System.Globalization;
using System.IO;

namespace Pipeline.LoadGen;

/// <summary>
/// One reading of the machine's CPU time from Linux <c>/proc/stat</c>: clock ticks since boot, summed over all CPUs,
/// in the three parts a latency figure needs beside it (busy, idle, and stolen by the hypervisor).
/// </summary>
/// <param name="BusyTicks">user + nice + system + irq + softirq.</param>
/// <param name="IdleTicks">idle + iowait.</param>
/// <param name="StealTicks">steal: time the hypervisor ran something else while a vCPU wanted to run.</param>
/// <param name="Cpus">The per-CPU lines of the file (the CPUs the aggregate line sums).</param>
internal readonly record struct CpuTimes(long BusyTicks, long IdleTicks, long StealTicks, int Cpus)
{
    private const string ProcStat = "/proc/stat";

    // user nice system idle: what every kernel gives; iowait, irq, softirq and steal came later (2.5.41 - 2.6.11).
    private const int RequiredFields = 4;

    /// <summary>busy + idle + steal.</summary>
    public long TotalTicks => BusyTicks + IdleTicks + StealTicks;

    /// <summary>Reads <c>/proc/stat</c>; null off Linux or when the file is missing, unreadable or not understood.</summary>
    /// <remarks>Allocates a few KiB (the file's text); does not throw for an absent or odd file.</remarks>
    public static CpuTimes? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(ProcStat);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return TryParse(text, out CpuTimes times) ? times : null;
    }

    /// <summary>
    /// Parses the text of <c>/proc/stat</c>: its aggregate <c>cpu </c> line and the count of <c>cpuN</c> lines.
    /// False when the aggregate line is missing, has fewer than 4 fields or a field that is not a whole number.
    /// </summary>
    public static bool TryParse(string procStat, out CpuTimes times)
    {
        ArgumentNullException.ThrowIfNull(procStat);
        times = default;
        CpuTimes? aggregate = null;
        int cpus = 0;
        foreach (ReadOnlySpan<char> line in procStat.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                if (aggregate is not null || !TryParseAggregate(line["cpu ".Length..], out CpuTimes parsed))
                {
                    return false;
                }

                aggregate = parsed;
            }
            else if (line.Length > "cpu".Length && line.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(line["cpu".Length]))
            {
                cpus++;
            }
        }

        if (aggregate is not { } a)
        {
            return false;
        }

        times = a with { Cpus = cpus };
        return true;
    }

    /// <summary>
    /// The shares of all CPUs' time between two readings, percent (0-100, rounded to 0.01), with the CPU count of the
    /// later one; null when no tick passed between them (nothing to divide by).
    /// </summary>
    public static MachineCpuReport? Between(CpuTimes start, CpuTimes end)
    {
        // A counter that went back (iowait may, on some kernels) counts as no time rather than as negative time.
        long busy = Math.Max(0, end.BusyTicks - start.BusyTicks);
        long idle = Math.Max(0, end.IdleTicks - start.IdleTicks);
        long steal = Math.Max(0, end.StealTicks - start.StealTicks);
        long total = busy + idle + steal;
        if (total == 0)
        {
            return null;
        }

        return new MachineCpuReport(Percent(busy, total), Percent(idle, total), Percent(steal, total), end.Cpus);
    }

    private static double Percent(long part, long total) => Math.Round(100.0 * part / total, 2);

    // The fields after "cpu ", in the kernel's order: user nice system idle iowait irq softirq steal guest guest_nice.
    private static bool TryParseAggregate(ReadOnlySpan<char> fields, out CpuTimes times)
    {
        times = default;
        Span<long> values = stackalloc long[8]; // up to steal; guest and guest_nice are already inside user and nice
        int count = 0;
        foreach (Range range in fields.Split(' '))
        {
            ReadOnlySpan<char> field = fields[range];
            if (field.IsEmpty)
            {
                continue; // the kernel pads "cpu" with two spaces
            }

            if (!long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                return false;
            }

            if (count < values.Length)
            {
                values[count] = value;
            }

            count++;
        }

        if (count < RequiredFields)
        {
            return false;
        }

        // values: 0 user, 1 nice, 2 system, 3 idle, 4 iowait, 5 irq, 6 softirq, 7 steal (absent ones stay 0).
        times = new CpuTimes(values[0] + values[1] + values[2] + values[5] + values[6], values[3] + values[4], values[7], 0);
        return true;
    }
}
