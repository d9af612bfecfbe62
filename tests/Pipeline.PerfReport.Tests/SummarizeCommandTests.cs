using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class SummarizeCommandTests
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Run_FixtureRuns_WritesValuesToSummaryJsonAndMarkdown()
    {
        using var folder = new ResultsFolder();
        folder.AddProbes(handoffNs: 110, diskP99Us: 900);
        folder.AddLoad("open-50k-Batch", p50: 120);
        folder.AddLoad("closed-None", p50: 30, throughput: 812_345, mode: "closed", durability: "None", pacing: null);
        folder.AddRecovery("recovery-1M-snapshot", restartSeconds: 2.5);

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Empty(summary.Failures);
        RunSummary read = SummarizeCommand.Load(folder.Path);
        Assert.Equal(["open-50k-Batch", "closed-None"], read.Load.Select(r => r.Name));
        LoadRun open = read.Load[0];
        Assert.Equal(50_000, open.TargetRate);
        Assert.Equal(120, open.LatencyUs!.P50);
        Assert.Equal(960, open.LatencyUs.P999);
        Assert.Equal(1920, open.LatencyUs.P9999);
        Assert.Equal(3840, open.LatencyUs.Max);
        Assert.Equal("shared", open.Pacing);
        Assert.Equal(812_345, read.Load[1].Throughput);
        Assert.Null(read.Load[1].Pacing);
        Assert.Equal(2.5, read.Recovery.Single().RestartSeconds);
        Assert.Equal(110, read.Probes!.Handoff!.RoundTripNs);
        Assert.Equal("latency.png", read.Plot);
        string json = File.ReadAllText(folder.Combine("summary.json"));
        Assert.Contains("\"p99_9\": 960", json, StringComparison.Ordinal);
        Assert.Contains("\"pacing\": \"shared\"", json, StringComparison.Ordinal);
        Assert.Contains("\"pacing\": null", json, StringComparison.Ordinal);
        string md = File.ReadAllText(folder.Combine("summary.md"));
        Assert.Contains("All runs passed", md, StringComparison.Ordinal);
        Assert.Contains("| open-50k-Batch | open | shared | Batch | 50k | 8 | 50,000 | 120 | 240 | 480 | 960 | 1,920 | 3,840 | 0 | ok |", md, StringComparison.Ordinal);
        Assert.Contains("| closed-None | closed | - | None | - | 8 | 812,345 | 30.0 |", md, StringComparison.Ordinal);
        Assert.Contains("| recovery-1M-snapshot | 1,000,000 | yes | 100.0 | 2.50 | 1,000,000 | 400,000 | ok |", md, StringComparison.Ordinal);
        Assert.Contains("110 ns round trip", md, StringComparison.Ordinal);
        Assert.Contains("![latency by percentile](latency.png)", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SpreadAndOlderRuns_ShowsThePacingOrADash()
    {
        using var folder = new ResultsFolder();
        folder.AddLoad("open-50k-Batch-spread", p50: 150, pacing: "spread");
        folder.AddLoad("open-50k-Batch", p50: 120);
        // A run written before LoadGen recorded the pacing has no such field.
        string old = folder.Combine("load", "open-50k-Batch.json");
        File.WriteAllText(old, File.ReadAllText(old).Replace("\"pacing\": \"shared\",", string.Empty, StringComparison.Ordinal));

        SummarizeCommand.Run(folder.Path);

        RunSummary read = SummarizeCommand.Load(folder.Path);
        Assert.Equal("spread", read.Load.Single(r => r.Name == "open-50k-Batch-spread").Pacing);
        Assert.Null(read.Load.Single(r => r.Name == "open-50k-Batch").Pacing);
        string md = File.ReadAllText(folder.Combine("summary.md"));
        Assert.Contains("| run | mode | pacing | durability |", md, StringComparison.Ordinal);
        Assert.Contains("| open-50k-Batch-spread | open | spread | Batch | 50k |", md, StringComparison.Ordinal);
        Assert.Contains("| open-50k-Batch | open | - | Batch | 50k |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FailedRunsAndErrors_AreMarkedFailedAndLeftOutOfThePlot()
    {
        using var folder = new ResultsFolder();
        folder.AddProbes(handoffNs: 110, diskP99Us: 900);
        folder.AddLoad("open-50k-Batch", p50: 120);
        folder.AddLoad("open-400k-Batch", p50: 5000, failed: true, failure: "server exited with code 134");
        folder.AddLoad("open-200k-None", p50: 300, errors: 3);
        folder.AddRecovery("recovery-2M", restartSeconds: 9, failed: true, failure: "replay count mismatch");

        RunSummary summary = SummarizeCommand.Run(folder.Path);
        var series = SummaryBuilder.PlotSeries(SummaryBuilder.Build(folder.Path));

        Assert.Equal(3, summary.Failures.Count);
        Assert.Contains("load open-400k-Batch: server exited with code 134", summary.Failures);
        Assert.Contains("load open-200k-None: 3 errors", summary.Failures);
        Assert.Contains("recovery recovery-2M: replay count mismatch", summary.Failures);
        Assert.Equal(["open-50k-Batch"], series.Select(s => s.Name));
        string md = File.ReadAllText(folder.Combine("summary.md"));
        Assert.Contains("FAILED: 3 run(s) failed", md, StringComparison.Ordinal);
        Assert.Contains("| FAILED: server exited with code 134 |", md, StringComparison.Ordinal);
        Assert.Contains("| FAILED: 3 errors |", md, StringComparison.Ordinal);
        Assert.True(SummarizeCommand.Load(folder.Path).Load.Single(r => r.Name == "open-200k-None").Failed);
    }

    [Fact]
    public void Main_Summarize_ExitsOneWhenARunFailedAndZeroOtherwise()
    {
        using var good = new ResultsFolder();
        good.AddLoad("open-50k-Batch", p50: 120);
        using var bad = new ResultsFolder();
        bad.AddLoad("open-50k-Batch", p50: 120);
        bad.AddLoad("open-400k-Batch", p50: 120, failed: true, failure: "server failed");

        int goodExit = Program.Main(["summarize", good.Path]);
        int badExit = Program.Main(["summarize", bad.Path]);

        Assert.Equal(0, goodExit);
        Assert.Equal(1, badExit);
    }

    [Fact]
    public void Run_UnreadableRunJsonAndMicroFailure_AreFailuresNotMissingRows()
    {
        using var folder = new ResultsFolder();
        File.WriteAllText(folder.Combine("load", "open-100k-None.json"), "{ \"name\": ");
        Directory.CreateDirectory(folder.Combine("micro"));
        File.WriteAllText(folder.Combine("micro", "failed.txt"), "BenchmarkDotNet exited with code 1\n");

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Equal(2, summary.Failures.Count);
        Assert.StartsWith("load open-100k-None: unreadable result", summary.Failures[0], StringComparison.Ordinal);
        Assert.Equal("micro: BenchmarkDotNet exited with code 1", summary.Failures[1]);
        Assert.Null(summary.Plot);
        Assert.False(File.Exists(folder.Combine("latency.png")));
        Assert.Contains(summary.Notes, n => n.Contains("no probes.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_SuccessfulRunWithHgrm_WritesPngHeadless()
    {
        using var folder = new ResultsFolder();
        folder.AddLoad("open-50k-Batch", p50: 120);
        folder.AddLoad("open-200k-Batch", p50: 0.5);

        SummarizeCommand.Run(folder.Path);

        byte[] png = File.ReadAllBytes(folder.Combine("latency.png"));
        Assert.True(png.Length > 1000);
        Assert.Equal(s_pngSignature, png[..8]);
    }

    [Fact]
    public void Run_MissingHgrm_NotedAndLeftOutOfThePlot()
    {
        using var folder = new ResultsFolder();
        folder.AddLoad("open-50k-Batch", p50: 120, hgrm: false);

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Empty(summary.Failures);
        Assert.Null(summary.Plot);
        Assert.Contains(summary.Notes, n => n.Contains("open-50k-Batch.hgrm unreadable", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_BenchmarkDotNetCsv_IsInSummaryJsonAndMarkdown()
    {
        using var folder = new ResultsFolder();
        Directory.CreateDirectory(folder.Combine("micro", "results"));
        File.WriteAllText(folder.Combine("micro", "results", "Pipeline.Benchmarks.OneToOneBenchmarks-report.csv"), BenchmarkReaderTests.Csv);

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Equal(2, SummarizeCommand.Load(folder.Path).Benchmarks.Count);
        string md = File.ReadAllText(folder.Combine("summary.md"));
        Assert.Contains("| OneToOneBenchmarks.Ring(Size=1024) | 1,234.50 μs | 0 B |", md, StringComparison.Ordinal);
        Assert.Empty(summary.Failures);
    }
}
