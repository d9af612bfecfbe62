using System;
using System.Collections.Generic;
using System.IO;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Pipeline.Perf;

namespace Pipeline.Benchmarks;

/// <summary>
/// Runs the throughput micro-benchmarks through BenchmarkSwitcher (so --filter and BDN's other options work).
/// Extra options: --quick (shorter job). The handoff probe runs first and last, and inside each benchmark process.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var rest = new List<string>();
        bool quick = false;
        bool hasFilter = false;
        string artifacts = "BenchmarkDotNet.Artifacts";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick")
            {
                quick = true;
                continue;
            }

            if (args[i] is "--filter" or "-f")
            {
                hasFilter = true;
            }

            if (args[i] is "--artifacts" or "-a" && i + 1 < args.Length)
            {
                artifacts = args[i + 1];
            }

            rest.Add(args[i]);
        }

        bool listOrHelp = Array.Exists(args, a => a is "--list" or "--help" or "-h" or "--version" or "--info");
        if (listOrHelp)
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], PerfConfig.Create(quick));
            return 0;
        }

        if (!hasFilter)
        {
            rest.Add("--filter");
            rest.Add("*");
        }

        Console.WriteLine("== Pipeline.Benchmarks" + (quick ? " (quick)" : string.Empty));
        foreach (KeyValuePair<string, string> item in MachineInfo.Describe())
        {
            Console.WriteLine($"{item.Key,-8} {item.Value}");
        }

        HandoffResult before = HandoffProbe.Measure();
        Console.WriteLine(before);

        Directory.CreateDirectory(artifacts);
        string probeLog = Path.GetFullPath(Path.Combine(artifacts, "handoff-probes.csv"));
        File.WriteAllText(probeLog, string.Empty);
        Environment.SetEnvironmentVariable(ProbeLog.EnvironmentVariable, probeLog);

        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], PerfConfig.Create(quick));

        HandoffResult after = HandoffProbe.Measure();
        string? csv = ThroughputReport.Write(summaries, before, after, probeLog);
        if (csv is not null)
        {
            Console.WriteLine("throughput table: " + Path.GetFullPath(csv));
            Console.WriteLine("handoff probes:   " + probeLog);
        }

        return 0;
    }
}
