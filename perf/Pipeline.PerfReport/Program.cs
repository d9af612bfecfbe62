using System;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Pipeline.PerfReport;

/// <summary>
/// The perf suite's report tool (run-perf.sh drives it):
///   probe --out FILE [--dir DIR] [--samples N] [--handoff-ms MS] [--stall-seconds S] [--commit SHA]
///   summarize DIR
///   compare A B
/// Exit codes: 0 done, 1 a run failed (summarize), 2 bad arguments or unreadable input.
/// </summary>
internal static class Program
{
    public const int Ok = 0;
    public const int RunFailed = 1;
    public const int BadUsage = 2;

    private const string Usage = """
        Usage: Pipeline.PerfReport <verb> [options]

          probe --out FILE [--dir DIR] [--samples N] [--handoff-ms MS] [--stall-seconds S] [--commit SHA]
                 machine description, core-to-core handoff probe and disk-flush probe (N appends of 4 KiB,
                 each forced to disk, in a scratch file under DIR, default the folder of FILE) -> JSON
          summarize DIR
                 DIR/probes.json, DIR/load/*.json (+ .hgrm), DIR/recovery/*.json, DIR/consumers/*.json,
                 DIR/peers/*.json (+ .hgrm), DIR/micro/results
                 -> DIR/summary.json, DIR/summary.md, DIR/latency.png, DIR/peers-latency.png,
                 DIR/peers-delivery.png; prints the tables; exit 1 if a run failed
          compare A B
                 A/summary.json vs B/summary.json: ratios B/A per run, regressions marked, probe differences warned
        """;

    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            return args.Length == 0 ? Fail("no verb given") : args[0] switch
            {
                "probe" => Probe(args),
                "summarize" when args.Length == 2 => Summarize(args[1]),
                "compare" when args.Length == 3 => Compare(args[1], args[2]),
                "--help" or "-h" or "help" => Help(),
                _ => Fail("unknown verb or wrong number of arguments: " + string.Join(' ', args)),
            };
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return BadUsage;
        }
    }

    private static int Probe(string[] args)
    {
        string? output = null;
        string? directory = null;
        string? commit = null;
        int samples = 400;
        int handoffMs = 200;
        double stallSeconds = 0;
        for (int i = 1; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException(args[i] + " needs a value");
            switch (args[i])
            {
                case "--out":
                    output = value;
                    break;
                case "--dir":
                    directory = value;
                    break;
                case "--commit":
                    commit = value;
                    break;
                case "--samples":
                    samples = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--handoff-ms":
                    handoffMs = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--stall-seconds":
                    stallSeconds = double.Parse(value, CultureInfo.InvariantCulture);
                    if (stallSeconds < 0 || stallSeconds > 3600)
                    {
                        return Fail("--stall-seconds must be between 0 and 3600");
                    }

                    break;
                default:
                    return Fail("unknown probe option: " + args[i]);
            }

            i++;
        }

        if (output is null)
        {
            return Fail("probe needs --out FILE");
        }

        directory ??= Path.GetDirectoryName(Path.GetFullPath(output)) ?? ".";
        ProbeReport report = ProbeCommand.Run(directory, samples, TimeSpan.FromMilliseconds(handoffMs), TimeSpan.FromSeconds(stallSeconds), commit);
        PerfJson.Write(output, report);
        Console.Write(SummaryReport.MachineTable(report).ToText());
        return Ok;
    }

    private static int Summarize(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return Fail("no such folder: " + directory);
        }

        RunSummary summary = SummarizeCommand.Run(directory);
        Console.Write(SummaryReport.Text(summary));
        Console.WriteLine();
        Console.WriteLine("summary: " + Path.Combine(summary.Directory, SummarizeCommand.SummaryMarkdown));
        if (summary.Plot is not null)
        {
            Console.WriteLine("plot:    " + Path.Combine(summary.Directory, summary.Plot));
        }

        foreach (string? plot in (ReadOnlySpan<string?>)[summary.Peers?.Plot, summary.Peers?.DeliveryPlot])
        {
            if (plot is not null)
            {
                Console.WriteLine("plot:    " + Path.Combine(summary.Directory, plot));
            }
        }

        return summary.Failures.Count == 0 ? Ok : RunFailed;
    }

    private static int Compare(string a, string b)
    {
        Comparison comparison = Comparison.Create(SummarizeCommand.Load(a), SummarizeCommand.Load(b));
        Console.Write(comparison.ToText(a, b));
        return Ok;
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return Ok;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        Console.Error.WriteLine(Usage);
        return BadUsage;
    }
}
