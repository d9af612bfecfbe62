using System;
using System.Linq;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class ComparisonTests
{
    [Fact]
    public void Create_RunsInBoth_AreRatiosOfBOverA()
    {
        RunSummary a = Summary(Load("open-50k-Batch", 50_000, p50: 100));
        RunSummary b = Summary(Load("open-50k-Batch", 45_000, p50: 150));

        Comparison comparison = Comparison.Create(a, b);

        RunComparison run = Assert.Single(comparison.Runs);
        Assert.Equal(["throughput", "p50", "p90", "p99", "p99.9", "p99.99", "max"], run.Metrics.Select(m => m.Metric));
        Assert.Equal(0.9, run.Metrics[0].Ratio, 9);
        Assert.All(run.Metrics.Skip(1), m => Assert.Equal(1.5, m.Ratio, 9));
    }

    [Fact]
    public void Create_SlowerAndFaster_MarksRegressionsAndImprovements()
    {
        RunSummary a = Summary(Load("slower", 100_000, p50: 100), Load("faster", 100_000, p50: 100), Load("same", 100_000, p50: 100));
        RunSummary b = Summary(Load("slower", 80_000, p50: 120), Load("faster", 100_000, p50: 50), Load("same", 95_000, p50: 105));

        Comparison comparison = Comparison.Create(a, b);
        string text = comparison.ToText("A", "B");

        RunComparison slower = comparison.Runs.Single(r => r.Name == "slower");
        Assert.True(slower.Regressed);
        Assert.Equal("0.80x!", slower.Metrics[0].Cell);
        Assert.Equal("1.20x!", slower.Metrics[1].Cell);
        Assert.StartsWith("REGRESSED: throughput, p50", slower.Verdict, StringComparison.Ordinal);
        Assert.Equal("improved", comparison.Runs.Single(r => r.Name == "faster").Verdict);
        Assert.Equal("0.50x+", comparison.Runs.Single(r => r.Name == "faster").Metrics[1].Cell);
        Assert.Equal("same", comparison.Runs.Single(r => r.Name == "same").Verdict);
        Assert.Equal(1, comparison.RegressionCount);
        Assert.Contains("REGRESSED: throughput, p50, p90, p99, p99.9, p99.99, max", text, StringComparison.Ordinal);
        Assert.Contains("3 runs compared, 1 regressed or failed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RunsOnlyOnOneSideAndFailedRuns_AreListed()
    {
        RunSummary a = Summary(Load("both", 1000, p50: 10), Load("gone", 1000, p50: 10), Load("broke", 1000, p50: 10));
        RunSummary b = Summary(Load("both", 1000, p50: 10), Load("new", 1000, p50: 10), Load("broke", 1000, p50: 10, failed: true));
        a.Recovery.Add(new RecoveryRun { Name = "recovery-2M", RestartSeconds = 2, ReplayEventsPerSecond = 1e6 });
        b.Recovery.Add(new RecoveryRun { Name = "recovery-2M", RestartSeconds = 3, ReplayEventsPerSecond = 0.66e6 });

        Comparison comparison = Comparison.Create(a, b);
        string text = comparison.ToText("A", "B");

        Assert.Equal(["load gone"], comparison.OnlyInA);
        Assert.Equal(["load new"], comparison.OnlyInB);
        Assert.Equal("FAILED in B", comparison.Runs.Single(r => r.Name == "broke").Verdict);
        Assert.Equal("REGRESSED: restart s, replay events/s", comparison.Runs.Single(r => r.Name == "recovery-2M").Verdict);
        Assert.Contains("only in A: load gone", text, StringComparison.Ordinal);
        Assert.Contains("only in B: load new", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ProbesInDifferentStates_Warns()
    {
        RunSummary a = Summary(ResultsFolder.Probes(handoffNs: 110, diskP99Us: 500, commit: "aaa"));
        RunSummary b = Summary(ResultsFolder.Probes(handoffNs: 480, diskP99Us: 1500, cpu: "Intel Xeon", commit: "bbb"));

        Comparison comparison = Comparison.Create(a, b);
        string text = comparison.ToText("A", "B");

        Assert.Equal(3, comparison.Warnings.Count);
        Assert.Contains(comparison.Warnings, w => w.StartsWith("handoff probe differs: A 110 ns vs B 480 ns", StringComparison.Ordinal));
        Assert.Contains(comparison.Warnings, w => w.StartsWith("disk flush probe differs", StringComparison.Ordinal));
        Assert.Contains(comparison.Warnings, w => w.StartsWith("different CPU", StringComparison.Ordinal));
        Assert.Contains("different commit: A aaa; B bbb", comparison.Notes);
        Assert.Contains("WARNING: handoff probe differs", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OneSideOfTheDiskStalled_WarnsAndBothQuietDoesNot()
    {
        static RunSummary WithWatch(long stalls, double maxUs)
        {
            ProbeReport probes = ResultsFolder.Probes(handoffNs: 110, diskP99Us: 500);
            probes.DiskSync!.StallWatch = new DiskStallWatch { Seconds = 10, Samples = 40_000, Stalls = stalls, MaxUs = maxUs };
            return Summary(probes);
        }

        Comparison stalled = Comparison.Create(WithWatch(0, 3_000), WithWatch(4, 186_000));
        Comparison quiet = Comparison.Create(WithWatch(0, 3_000), WithWatch(0, 9_000));

        string warning = Assert.Single(stalled.Warnings);
        Assert.Equal("disk stall watch differs: A 0 syncs of 10 ms or more in 10 s (longest 3.0 ms) vs B 4 in 10 s (longest 186.0 ms); durable-mode tails move with it", warning);
        Assert.Empty(quiet.Warnings);
    }

    [Fact]
    public void Create_ProbesWithinLimits_DoesNotWarn()
    {
        RunSummary a = Summary(ResultsFolder.Probes(handoffNs: 110, diskP99Us: 500));
        RunSummary b = Summary(ResultsFolder.Probes(handoffNs: 160, diskP99Us: 900));

        Comparison comparison = Comparison.Create(a, b);

        Assert.Empty(comparison.Warnings);
        Assert.Empty(comparison.Notes);
    }

    [Fact]
    public void Create_MissingProbes_Warns()
    {
        RunSummary a = Summary(ResultsFolder.Probes(handoffNs: 110, diskP99Us: 500));
        var b = new RunSummary();

        Comparison comparison = Comparison.Create(a, b);

        Assert.Equal("B has no probes: the machine's state during that run is unknown", Assert.Single(comparison.Warnings));
    }

    [Fact]
    public void Main_Compare_ReadsBothSummaryFiles()
    {
        using var a = new ResultsFolder();
        a.AddProbes(110, 500);
        a.AddLoad("open-50k-Batch", p50: 100);
        using var b = new ResultsFolder();
        b.AddProbes(115, 520);
        b.AddLoad("open-50k-Batch", p50: 100);
        SummarizeCommand.Run(a.Path);
        SummarizeCommand.Run(b.Path);

        int exit = Program.Main(["compare", a.Path, b.Path]);
        int missing = Program.Main(["compare", a.Path, a.Combine("load")]);

        Assert.Equal(0, exit);
        Assert.Equal(2, missing);
    }

    [Fact]
    public void Create_SameRunWithAnotherPacing_WarnsAndUnknownPacingDoesNot()
    {
        RunSummary a = Summary(Load("open-50k-Batch", 50_000, p50: 100, pacing: "shared"), Load("open-100k-Batch", 100_000, p50: 100, pacing: null));
        RunSummary b = Summary(Load("open-50k-Batch", 50_000, p50: 100, pacing: "spread"), Load("open-100k-Batch", 100_000, p50: 100, pacing: "spread"));

        Comparison comparison = Comparison.Create(a, b);

        string warning = Assert.Single(comparison.Warnings);
        Assert.Equal("load open-50k-Batch: pacing shared in A, spread in B (the latency's shape differs with the pacing)", warning);
    }

    private static RunSummary Summary(params LoadRun[] runs)
    {
        var summary = new RunSummary { Probes = ResultsFolder.Probes(110, 500) };
        summary.Load.AddRange(runs);
        return summary;
    }

    private static RunSummary Summary(ProbeReport probes) => new() { Probes = probes };

    private static LoadRun Load(string name, double throughput, double p50, bool failed = false, string? pacing = "shared") => new()
    {
        Name = name,
        Mode = "open",
        Pacing = pacing,
        Throughput = throughput,
        Failed = failed,
        LatencyUs = new LatencyStats { P50 = p50, P90 = p50 * 2, P99 = p50 * 4, P999 = p50 * 8, P9999 = p50 * 16, Max = p50 * 32, Count = 1000 },
    };
}
