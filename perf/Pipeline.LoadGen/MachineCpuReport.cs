using System.Globalization;

namespace Pipeline.LoadGen;

/// <summary>
/// The whole machine's CPU use during a run's measured part (the server, the generator and anything else on it), as
/// the result JSON carries it: shares of all CPUs' time, percent, summing to 100 up to rounding.
/// </summary>
/// <param name="BusyPercent">user + nice + system + irq + softirq.</param>
/// <param name="IdlePercent">idle + iowait.</param>
/// <param name="StealPercent">Taken by the hypervisor: a vCPU that wanted to run and was not given a core.</param>
/// <param name="Cpus">The CPUs whose time this divides.</param>
internal sealed record MachineCpuReport(double BusyPercent, double IdlePercent, double StealPercent, int Cpus)
{
    /// <summary>The log line; <paramref name="report"/> null says the machine's figures could not be had.</summary>
    public static string Line(MachineCpuReport? report) => report is null
        ? "cpu     machine use not measured (no readable /proc/stat, or no tick passed)"
        : string.Create(CultureInfo.InvariantCulture,
            $"cpu     machine busy {report.BusyPercent:F1}%, idle {report.IdlePercent:F1}%, steal {report.StealPercent:F1}% of {report.Cpus} CPUs during the measured part");
}
