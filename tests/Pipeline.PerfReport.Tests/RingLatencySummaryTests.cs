using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class RingLatencySummaryTests
{
    // The shape the latency harness writes (perf/Pipeline.LatencyHarness), trimmed to what the summary reads plus
    // one field it ignores.
    private const string LatencyJson = """
        {
          "machine": { "cpu": "AMD EPYC" },
          "handoffProbeStart": { "roundTripNs": 339.7, "oneWayNs": 169.9, "minRoundTripNs": 330, "maxRoundTripNs": 372.9 },
          "handoffProbeEnd": { "roundTripNs": 77.4, "oneWayNs": 38.7, "minRoundTripNs": 67.2, "maxRoundTripNs": 79.4 },
          "results": [
            {
              "scenario": "OneToOne_Yielding",
              "threads": "producer: paced spin; consumer: yielding",
              "rate": 100000,
              "count": 100000,
              "latencyFromSendNs": { "p50": 656, "p90": 877, "p99": 15743, "p99_9": 2061311, "max": 3016703, "mean": 6368.8 },
              "latencyFromIntendedNs": { "p50": 700, "p99": 74943, "max": 3016703 },
              "allocatedBytesPerEvent": 0
            },
            {
              "scenario": "OneToOne_Channel",
              "rate": 100000,
              "count": 100000,
              "latencyFromSendNs": { "p50": 2229, "p90": 3141, "p99": 1488895, "p99_9": 3731455, "max": 4014079 },
              "latencyFromIntendedNs": { "p50": 2293, "p99": 1488895, "max": 4370431 }
            }
          ]
        }
        """;

    [Fact]
    public void Run_HarnessResults_AppearInSummaryJsonAndMarkdown()
    {
        using var folder = new ResultsFolder();
        folder.AddProbes(handoffNs: 110, diskP99Us: 900);
        WriteLatency(folder, LatencyJson);

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Empty(summary.Failures);
        RunSummary read = SummarizeCommand.Load(folder.Path);
        Assert.Equal(["OneToOne_Yielding", "OneToOne_Channel"], read.RingLatency.Select(r => r.Scenario));
        RingLatencyRun yielding = read.RingLatency[0];
        Assert.Equal(100_000, yielding.Rate);
        Assert.Equal(15_743, yielding.FromSend.P99);
        Assert.Equal(2_061_311, yielding.FromSend.P999);
        Assert.Equal(74_943, yielding.FromIntended.P99);
        Assert.Equal(0, yielding.AllocatedBytesPerEvent);
        Assert.Null(read.RingLatency[1].AllocatedBytesPerEvent);
        Assert.Equal(339.7, read.RingLatencyHandoffStart!.RoundTripNs);
        Assert.Equal(77.4, read.RingLatencyHandoffEnd!.RoundTripNs);
        string md = File.ReadAllText(folder.Combine("summary.md"));
        Assert.Contains("## Ring latency", md, StringComparison.Ordinal);
        Assert.Contains("| OneToOne_Yielding | 100,000 | 656 | 877 | 15,743 | 2,061,311 | 3,016,703 | 74,943 | 0.000 |", md, StringComparison.Ordinal);
        Assert.Contains("| OneToOne_Channel | 100,000 | 2,229 | 3,141 | 1,488,895 | 3,731,455 | 4,014,079 | 1,488,895 | - |", md, StringComparison.Ordinal);
        Assert.Contains("harness handoff probe: 340 ns round trip before the runs, 77 ns after", md, StringComparison.Ordinal);
        Assert.Contains("ring latency", SummaryReport.Text(read), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnreadableHarnessResults_AreAFailureNotAMissingTable()
    {
        using var folder = new ResultsFolder();
        folder.AddProbes(handoffNs: 110, diskP99Us: 900);
        WriteLatency(folder, "{ \"results\": [ { \"scenario\": ");

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        string failure = Assert.Single(summary.Failures);
        Assert.StartsWith("micro: ring latency results unreadable", failure, StringComparison.Ordinal);
        Assert.Contains(summary.Notes, n => n.Contains("latency.json", StringComparison.Ordinal));
        Assert.Contains("FAILED: 1 run(s) failed", File.ReadAllText(folder.Combine("summary.md")), StringComparison.Ordinal);
        Assert.Empty(summary.RingLatency);
    }

    [Fact]
    public void Run_NoHarnessResults_NoTableAndNoFailure()
    {
        using var folder = new ResultsFolder();
        folder.AddProbes(handoffNs: 110, diskP99Us: 900);

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Empty(summary.Failures);
        Assert.Empty(summary.RingLatency);
        Assert.DoesNotContain("Ring latency", File.ReadAllText(folder.Combine("summary.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_RingLatencyRuns_AreMatchedByScenarioAndRate()
    {
        var a = new RunSummary { Probes = ResultsFolder.Probes(110, 500) };
        var b = new RunSummary { Probes = ResultsFolder.Probes(110, 500) };
        a.RingLatency.Add(Run("OneToOne_Yielding", 100_000, p99: 10_000));
        a.RingLatency.Add(Run("OneToOne_Yielding", 1_000_000, p99: 20_000));
        b.RingLatency.Add(Run("OneToOne_Yielding", 100_000, p99: 30_000));
        b.RingLatency.Add(Run("OneToOne_Channel", 100_000, p99: 1_000_000));

        Comparison comparison = Comparison.Create(a, b);

        RunComparison run = Assert.Single(comparison.Runs);
        Assert.Equal("OneToOne_Yielding@100000", run.Name);
        Assert.Equal(["p50", "p99", "p99.9", "max"], run.Metrics.Select(m => m.Metric));
        Assert.Equal(3.0, run.Metrics[1].Ratio, 9);
        Assert.True(run.Regressed);
        Assert.Contains("OneToOne_Yielding@1000000", string.Join(' ', comparison.OnlyInA), StringComparison.Ordinal);
        Assert.Contains("OneToOne_Channel@100000", string.Join(' ', comparison.OnlyInB), StringComparison.Ordinal);
        Assert.Contains("ring latency", comparison.ToText("A", "B"), StringComparison.Ordinal);
    }

    private static RingLatencyRun Run(string scenario, double rate, double p99) => new()
    {
        Scenario = scenario,
        Rate = rate,
        Count = 1000,
        FromSend = new LatencyStats { P50 = p99 / 10, P90 = p99 / 2, P99 = p99, P999 = p99 * 2, Max = p99 * 4 },
        FromIntended = new LatencyStats { P50 = p99 / 10, P99 = p99 },
    };

    private static void WriteLatency(ResultsFolder folder, string json)
    {
        string dir = folder.Combine(Path.Combine("micro", "latency"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "latency.json"), json);
    }
}
