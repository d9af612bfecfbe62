using System;
using System.Globalization;
using System.IO;
using Pipeline.Perf;

namespace Pipeline.Benchmarks;

/// <summary>
/// Runs the handoff probe inside a benchmark process (BDN runs each benchmark in its own process) and records
/// it: to the console, which BDN copies to its log, and to the file named by PIPELINE_PERF_PROBE_LOG.
/// </summary>
internal static class ProbeLog
{
    public const string EnvironmentVariable = "PIPELINE_PERF_PROBE_LOG";

    /// <summary>Measures and records; the benchmark is named from BDN's --benchmarkName argument when present.</summary>
    public static void Record(string setupName, string phase = "setup")
    {
        string benchmark = BenchmarkNameFromCommandLine() ?? setupName;
        HandoffResult probe = HandoffProbe.Measure();
        string load = MachineInfo.LoadAverage();
        double pressure = MachineInfo.CpuPressureSome10();
        Console.WriteLine($"// {benchmark} ({phase}): {probe}; load average {load}; CPU pressure some avg10 {pressure:F1}%");
        string? path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        string line = string.Format(
            CultureInfo.InvariantCulture,
            "{0},{1},{2:F1},{3:F1},{4:F1},{5:F1},{6},{7:F1}{8}",
            benchmark,
            phase,
            probe.RoundTripNs,
            probe.OneWayNs,
            probe.MinRoundTripNs,
            probe.MaxRoundTripNs,
            load.Split(' ')[0],
            pressure,
            Environment.NewLine);
        File.AppendAllText(path, line);
    }

    // BDN starts each benchmark process with --benchmarkName Namespace.ClassBenchmarks.Method.
    private static string? BenchmarkNameFromCommandLine()
    {
        string[] args = Environment.GetCommandLineArgs();
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--benchmarkName")
            {
                string[] parts = args[i + 1].Split('.');
                if (parts.Length >= 2)
                {
                    return parts[^2].Replace("Benchmarks", string.Empty, StringComparison.Ordinal) + "." + parts[^1];
                }
            }
        }

        return null;
    }
}
