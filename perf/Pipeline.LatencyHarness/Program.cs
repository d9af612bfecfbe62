using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using HdrHistogram;
using Pipeline.Perf;

namespace Pipeline.LatencyHarness;

/// <summary>
/// Runs every scenario at every rate: a discarded warm-up run, then a measured run; prints a table and writes
/// latency.csv, latency.json and one .hgrm percentile distribution per run.
/// </summary>
internal static class Program
{
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(30);

    private static ILatencyScenario[] CreateScenarios() =>
    [
        new OneToOne_Channel(),
        new OneToOne_Blocking(),
        new OneToOne_Sleeping(),
        new OneToOne_Yielding(),
        new OneToOne_BusySpin(),
        new OneToOne_Phased(),
    ];

    private static int Main(string[] args)
    {
        HarnessOptions options;
        try
        {
            options = HarnessOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(HarnessOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(HarnessOptions.Usage);
            return 0;
        }

        string output = options.OutputDirectory ?? DefaultOutputDirectory();
        Directory.CreateDirectory(output);

        Console.WriteLine("== Pipeline.LatencyHarness");
        foreach (KeyValuePair<string, string> item in MachineInfo.Describe())
        {
            Console.WriteLine($"{item.Key,-8} {item.Value}");
        }

        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "runs     warm-up {0:F1} s (discarded) + measured {1:F1} s per scenario and rate; rates {2}", options.Warmup.TotalSeconds, options.Duration.TotalSeconds, string.Join(", ", options.Rates)));
        HandoffResult start = HandoffProbe.Measure();
        Console.WriteLine(start);

        var results = new List<LatencyResult>();
        foreach (int rate in options.Rates)
        {
            foreach (ILatencyScenario scenario in CreateScenarios())
            {
                if (options.Filter is not null && !scenario.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase))
                {
                    scenario.Dispose();
                    continue;
                }

                LatencyResult result;
                using (scenario)
                {
                    result = RunOne(scenario, rate, options, output);
                }

                // Probe again once the scenario's threads are gone: a run bracketed by two good probes was undisturbed.
                result = result with { ProbeAfterRoundTripNs = HandoffProbe.Measure().RoundTripNs };
                results.Add(result);
                Console.WriteLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "  {0,-18} {1,9:N0}/s  p50 {2,8:F1} us  p99 {3,9:F1} us  max {4,10:F1} us  (probe rt {5:F0}/{6:F0} ns, CPU pressure {7:F1}%){8}",
                    result.Scenario,
                    rate,
                    result.P50 / 1000.0,
                    result.P99 / 1000.0,
                    result.Max / 1000.0,
                    result.ProbeRoundTripNs,
                    result.ProbeAfterRoundTripNs,
                    result.CpuPressure,
                    result.Drained ? string.Empty : "  NOT DRAINED"));
            }
        }

        HandoffResult end = HandoffProbe.Measure();
        Console.WriteLine();
        Console.WriteLine("== Latency (from send timestamp; int. = from intended send time, charges producer lag; rt ns b/a = handoff probe round trip before/after the run; PSI = CPU pressure some avg10 at the end)");
        Console.Write(ResultWriter.Table(results));
        Console.WriteLine();
        Console.WriteLine("== p99 vs Channels, same run");
        Console.Write(ResultWriter.Comparison(results));
        Console.WriteLine("start " + start);
        Console.WriteLine("end   " + end);

        string csv = Path.Combine(output, "latency.csv");
        string json = Path.Combine(output, "latency.json");
        ResultWriter.WriteCsv(csv, results);
        ResultWriter.WriteJson(json, options, start, end, results);
        Console.WriteLine("results: " + Path.GetFullPath(csv));
        Console.WriteLine("         " + Path.GetFullPath(json));
        return results.TrueForAll(r => r.Drained) ? 0 : 1;
    }

    private static LatencyResult RunOne(ILatencyScenario scenario, int rate, HarnessOptions options, string output)
    {
        HandoffResult probe = HandoffProbe.Measure();
        var recorder = new LatencyRecorder();
        scenario.Start(recorder);

        // Warm-up: same rate, discarded once the consumer has drained it (it is idle then, so Reset is safe).
        ScheduleStats warmup = PacedProducer.Run(scenario, rate, options.Warmup);
        bool drained = PacedProducer.Drain(recorder, warmup.Published, s_drainTimeout);
        recorder.Reset();

        int gen0 = GC.CollectionCount(0);
        int gen1 = GC.CollectionCount(1);
        int gen2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        ScheduleStats schedule = PacedProducer.Run(scenario, rate, options.Duration);
        drained &= PacedProducer.Drain(recorder, warmup.Published + schedule.Published, s_drainTimeout);
        long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        gen0 = GC.CollectionCount(0) - gen0;
        gen1 = GC.CollectionCount(1) - gen1;
        gen2 = GC.CollectionCount(2) - gen2;

        LongHistogram send = recorder.FromSend;
        LongHistogram intended = recorder.FromIntended;
        string hgrm = Path.Combine(output, string.Create(CultureInfo.InvariantCulture, $"{scenario.Name}_{rate}.hgrm"));
        using (var writer = new StreamWriter(hgrm))
        {
            // Values in microseconds.
            send.OutputPercentileDistribution(writer, 5, 1000.0, false);
        }

        return new LatencyResult(
            scenario.Name,
            scenario.Threads,
            rate,
            options.Duration.TotalSeconds,
            send.TotalCount,
            send.GetValueAtPercentile(50),
            send.GetValueAtPercentile(90),
            send.GetValueAtPercentile(99),
            send.GetValueAtPercentile(99.9),
            send.GetMaxValue(),
            send.GetMean(),
            intended.GetValueAtPercentile(50),
            intended.GetValueAtPercentile(99),
            intended.GetMaxValue(),
            schedule,
            gen0,
            gen1,
            gen2,
            schedule.Published == 0 ? 0 : (double)(allocatedAfter - allocated) / schedule.Published,
            probe.RoundTripNs,
            double.NaN,
            MachineInfo.CpuPressureSome10(),
            MachineInfo.LoadAverage().Split(' ')[0],
            drained);
    }

    // perf/results/<UTC timestamp>/latency under the repository root (the folder holding Pipeline.sln).
    private static string DefaultOutputDirectory()
    {
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string? directory = Directory.GetCurrentDirectory();
        while (directory is not null && !File.Exists(Path.Combine(directory, "Pipeline.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return Path.Combine(directory ?? Directory.GetCurrentDirectory(), "perf", "results", stamp, "latency");
    }
}
