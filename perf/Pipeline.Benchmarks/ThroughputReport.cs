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
        Dictionary<string, string> probes = ReadProbes(probeLogPath);
        var csv = new StringBuilder();
        csv.AppendLine("class,method,baseline,mean_ns_per_event,median_ns_per_event,events_per_s,ratio_vs_channel,allocated_bytes_per_event,gen0_per_1k_events,probe_setup,probe_rt_ns,run_probe_before_rt_ns,run_probe_after_rt_ns");
        var console = new StringBuilder();
        console.AppendLine();
        console.AppendLine("== Throughput (events/s; ratio = Channels' mean time / this one's, same run)");
        console.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-42} {1,16} {2,9} {3,12} {4,14}", "benchmark", "events/s", "ratio", "B/event", "probe rt ns"));
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
                    probes.TryGetValue(probeKey, out string? probe);
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
                        probe ?? string.Empty,
                        before.RoundTripNs.ToString("F1", CultureInfo.InvariantCulture),
                        after.RoundTripNs.ToString("F1", CultureInfo.InvariantCulture)));
                    console.AppendLine(string.Format(
                        CultureInfo.InvariantCulture,
                        "{0,-42} {1,16} {2,9} {3,12} {4,14}",
                        className.Replace("Benchmarks", string.Empty, StringComparison.Ordinal) + "." + method,
                        mean is > 0 ? (1e9 / mean.Value).ToString("N0", CultureInfo.InvariantCulture) : "failed",
                        ratio is null ? "-" : ratio.Value.ToString("F2", CultureInfo.InvariantCulture) + "x",
                        allocated?.ToString(CultureInfo.InvariantCulture) ?? "-",
                        probe ?? "-"));
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

    // The probe file names the set-up ("OneToOne.Ring_Yielding"); a benchmark matches the longest prefix.
    private static string ProbeKey(string className, string method) =>
        className.Replace("Benchmarks", string.Empty, StringComparison.Ordinal) + "." + method;

    private static Dictionary<string, string> ReadProbes(string? path)
    {
        var probes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path))
        {
            return probes;
        }

        foreach (string line in File.ReadLines(path))
        {
            string[] parts = line.Split(',');
            if (parts.Length >= 2)
            {
                // The last set-up of a benchmark wins; BDN runs each benchmark's set-up once per process.
                probes[parts[0]] = parts[1];
            }
        }

        return probes;
    }

    private static string F(double? value, string format) =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? string.Empty;
}
