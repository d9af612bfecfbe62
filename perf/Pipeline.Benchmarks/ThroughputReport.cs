using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Pipeline.Perf;

namespace Pipeline.Benchmarks;

/// <summary>
/// After BDN: one table of events/s, the Pipeline/Channels ratio within this run, bytes per event and the
/// handoff probe measured in each benchmark's own process; written to the console and to throughput.csv.
/// </summary>
internal static class ThroughputReport
{
    public static string? Write(IEnumerable<Summary> summaries, HandoffResult before, HandoffResult after, string? probeLogPath)
    {
        Dictionary<string, string[]> probes = ReadProbes(probeLogPath);
        var csv = new StringBuilder();
        csv.AppendLine("class,method,baseline,mean_ns_per_event,median_ns_per_event,events_per_s,ratio_vs_channel,allocated_bytes_per_event,gen0_per_1k_events,benchmark_key,probe_setup_rt_ns,probe_cleanup_rt_ns,cpu_pressure_setup,cpu_pressure_cleanup,run_probe_before_rt_ns,run_probe_after_rt_ns");
        var console = new StringBuilder();
        console.AppendLine();
        console.AppendLine("== Throughput (events/s; ratio = Channels' mean time / this one's, same run)");
        console.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-42} {1,16} {2,9} {3,9} {4,22} {5,12}", "benchmark", "events/s", "ratio", "B/event", "probe rt ns set/clean", "PSI % s/c"));
        string? directory = null;
        foreach (Summary summary in summaries)
        {
            directory ??= summary.ResultsDirectoryPath;
            foreach (IGrouping<Type, BenchmarkReport> group in summary.Reports.GroupBy(r => r.BenchmarkCase.Descriptor.Type))
            {
                BenchmarkReport? baseline = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
                double? baselineMean = baseline?.ResultStatistics?.Mean;
                foreach (BenchmarkReport report in group)
                {
                    string className = group.Key.Name;
                    string method = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                    double? mean = report.ResultStatistics?.Mean;
                    double? median = report.ResultStatistics?.Median;
                    double? ratio = mean is > 0 && baselineMean is > 0 ? baselineMean / mean : null;
                    long? allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                    double gen0 = report.GcStats.Gen0Collections * 1000.0 / Math.Max(1, report.GcStats.TotalOperations);
                    string probeKey = ProbeKey(className, method);
                    string probeSetup = Lookup(probes, probeKey, "setup", 2);
                    string probeCleanup = Lookup(probes, probeKey, "cleanup", 2);
                    string pressureSetup = Lookup(probes, probeKey, "setup", 7);
                    string pressureCleanup = Lookup(probes, probeKey, "cleanup", 7);
                    csv.AppendLine(string.Join(
                        ',',
                        className,
                        method,
                        report.BenchmarkCase.Descriptor.Baseline ? "true" : "false",
                        F(mean, "F3"),
                        F(median, "F3"),
                        F(mean is > 0 ? 1e9 / mean : null, "F0"),
                        F(ratio, "F2"),
                        allocated?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                        gen0.ToString("F4", CultureInfo.InvariantCulture),
                        probeKey,
                        probeSetup,
                        probeCleanup,
                        pressureSetup,
                        pressureCleanup,
                        before.RoundTripNs.ToString("F1", CultureInfo.InvariantCulture),
                        after.RoundTripNs.ToString("F1", CultureInfo.InvariantCulture)));
                    console.AppendLine(string.Format(
                        CultureInfo.InvariantCulture,
                        "{0,-42} {1,16} {2,9} {3,9} {4,22} {5,12}",
                        className.Replace("Benchmarks", string.Empty, StringComparison.Ordinal) + "." + method,
                        mean is > 0 ? (1e9 / mean.Value).ToString("N0", CultureInfo.InvariantCulture) : "failed",
                        ratio is null ? "-" : ratio.Value.ToString("F2", CultureInfo.InvariantCulture) + "x",
                        allocated?.ToString(CultureInfo.InvariantCulture) ?? "-",
                        probeSetup + "/" + probeCleanup,
                        pressureSetup + "/" + pressureCleanup));
                }
            }
        }

        console.AppendLine(string.Format(CultureInfo.InvariantCulture, "run {0}", before));
        console.AppendLine(string.Format(CultureInfo.InvariantCulture, "end {0}", after));
        Console.Write(console.ToString());
        if (directory is null)
        {
            return null;
        }

        string path = Path.Combine(directory, "throughput.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    // The probe file names each benchmark "Class.Method" (from BDN's --benchmarkName), class without "Benchmarks".
    private static string ProbeKey(string className, string method) =>
        className.Replace("Benchmarks", string.Empty, StringComparison.Ordinal) + "." + method;

    private static string Lookup(Dictionary<string, string[]> probes, string benchmark, string phase, int column) =>
        probes.TryGetValue(benchmark + "/" + phase, out string[]? parts) && parts.Length > column ? parts[column] : string.Empty;

    // Lines: benchmark,phase,rt,oneway,min,max,load1,pressure. Keyed "benchmark/phase".
    private static Dictionary<string, string[]> ReadProbes(string? path)
    {
        var probes = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path))
        {
            return probes;
        }

        foreach (string line in File.ReadLines(path))
        {
            string[] parts = line.Split(',');
            if (parts.Length >= 3)
            {
                // BDN runs each benchmark's set-up and clean-up once per process.
                probes[parts[0] + "/" + parts[1]] = parts;
            }
        }

        return probes;
    }

    private static string F(double? value, string format) =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? string.Empty;
}
