using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class PeersSummaryTests
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // Pipeline in three rounds of the closed loop, Marten in three (one failed), the rest in one; nats-sync skipped,
    // marten-batch failed. Every percentile set is p50 times 1, 2, 4, 8, 16, 32 (p50, p90, p99, p99.9, p99.99, max).
    private static ResultsFolder StageFolder()
    {
        var folder = new ResultsFolder();
        ProbeReport probes = ResultsFolder.Probes(handoffNs: 110, diskP99Us: 900);
        probes.DiskSync!.StallWatch = new DiskStallWatch { Seconds = 10, Samples = 40_000, Stalls = 0, MaxUs = 3_000, GroupCommitP50Us = 1_500, GroupCommitP99Us = 2_900, GroupCommitP999Us = 3_000, GroupCommitOver5MsPercent = 0 };
        PerfJson.Write(folder.Combine("probes.json"), probes);
        folder.AddPeerLoad("pipeline-append-closed-r1", p50: 1_000, throughput: 100_000);
        folder.AddPeerLoad("pipeline-append-closed-r2", p50: 1_200, throughput: 120_000);
        folder.AddPeerLoad("pipeline-append-closed-r3", p50: 800, throughput: 80_000);
        folder.AddPeerLoad("pipeline-none-append-closed", p50: 100, throughput: 400_000, durability: "None");
        folder.AddPeerLoad("pipeline-append-open-10k", p50: 500);
        folder.AddPeerCatchup("pipeline-read", eventsPerSecond: 1_200_000, streamP50: 300);
        folder.AddPeerLoad("pipeline-subscribe-10k", p50: 400);
        folder.AddPeer("marten-append-closed-r1", "marten", p50: 2_000, throughput: 5_000, settings: "PostgreSQL 16, synchronous_commit on, fsync on");
        folder.AddPeer("marten-append-closed-r2", "marten", p50: 4_000, throughput: 7_000, settings: "PostgreSQL 16, synchronous_commit on, fsync on");
        folder.AddPeer("marten-append-closed-r3", "marten", p50: 9_000, throughput: 1, settings: "PostgreSQL 16, synchronous_commit on, fsync on", failed: true, failure: "NpgsqlException: connection reset");
        folder.AddPeer("marten-append-open-10k", "marten", p50: 1_000, unsent: 5, settings: "PostgreSQL 16, synchronous_commit on, fsync on");
        folder.AddPeer("marten-read", "marten", p50: 600, catchup: 100_000, settings: "PostgreSQL 16, synchronous_commit on, fsync on");
        folder.AddPeer("marten-batch-append-closed", "marten-batch", failed: true, failure: "PostgreSQL exited with code 1");
        folder.AddPeer("redis-append-closed", "redis", p50: 250, throughput: 200_000, settings: "appendfsync always");
        folder.AddPeer("redis-subscribe-10k", "redis", p50: 200, throughput: 10_000, settings: "appendfsync always");
        folder.AddPeer("nats-append-closed", "nats", p50: 200, throughput: 300_000, fsync: false, settings: "JetStream, sync_interval 2m (default)");
        folder.AddPeer("nats-sync-append-closed", "nats-sync", fsync: true, skipped: "nats-server not installed (apt-get install nats-server)");
        return folder;
    }

    [Theory]
    [InlineData("pipeline-append-closed", "pipeline", "append-closed", "append-closed", null, 1)]
    [InlineData("pipeline-none-append-closed-r2", "pipeline-none", "append-closed", "append-closed", null, 2)]
    [InlineData("marten-batch-append-open-50k", "marten-batch", "append-open-50k", "append-open", 50_000.0, 1)]
    [InlineData("nats-sync-subscribe-1.5M-r12", "nats-sync", "subscribe-1.5M", "subscribe", 1_500_000.0, 12)]
    [InlineData("redis-read-r3", "redis", "read", "read", null, 3)]
    [InlineData("redis-read", "redis", "read", "read", null, 1)]
    public void TryParse_PeerRunNames_GiveSystemWorkloadRateAndRound(string name, string system, string workload, string family, double? rate, int round)
    {
        bool parsed = PeerRunName.TryParse(name, out PeerRunName n);

        Assert.True(parsed);
        Assert.Equal(new PeerRunName(system, workload, family, rate, round), n);
    }

    [Theory]
    [InlineData("read")]
    [InlineData("marten-append-open-fast")]
    [InlineData("marten-append")]
    [InlineData("open-50k-Batch")]
    public void TryParse_OtherNames_ReturnsFalse(string name)
    {
        bool parsed = PeerRunName.TryParse(name, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void Run_PeersStage_TakesEachFigureAsTheMedianOverTheRoundsThatPassed()
    {
        using ResultsFolder folder = StageFolder();

        SummarizeCommand.Run(folder.Path);

        PeersSummary peers = SummarizeCommand.Load(folder.Path).Peers!;
        Assert.Equal(17, peers.Runs.Count);
        Assert.Equal(["pipeline", "pipeline-none", "marten", "marten-batch", "redis", "nats", "nats-sync"], peers.Systems.Select(s => s.System));
        PeerFigures pipeline = Figures(peers, "pipeline append-closed");
        Assert.Equal(3, pipeline.Rounds);
        Assert.Equal(100_000, pipeline.Throughput);
        Assert.Equal(4_000, pipeline.P99);
        PeerFigures marten = Figures(peers, "marten append-closed");
        Assert.Equal(["marten-append-closed-r1", "marten-append-closed-r2", "marten-append-closed-r3"], marten.Runs);
        Assert.Equal(["marten-append-closed-r3"], marten.FailedRuns);
        Assert.Equal(2, marten.Rounds);
        Assert.Equal(6_000, marten.Throughput);
        Assert.Equal(12_000, marten.P99);
        Assert.True(Figures(peers, "marten append-open-10k").FellBehind);
        PeerFigures read = Figures(peers, "pipeline read");
        Assert.Equal(1_200_000, read.CatchupEventsPerSecond);
        Assert.Equal(300, read.StreamReadP50);
        Assert.Equal(1_200, read.StreamReadP99);
        Assert.Equal(600, Figures(peers, "marten read").StreamReadP50);
        Assert.Equal(100_000, Figures(peers, "marten read").CatchupEventsPerSecond);
        // Pipeline's delivery is sent -> received, as the peers', not durable -> received (a third of it here).
        Assert.Equal(400, Figures(peers, "pipeline subscribe-10k").P50);
        Assert.Equal(200, Figures(peers, "redis subscribe-10k").P50);
        Assert.Equal("nats-server not installed (apt-get install nats-server)", Figures(peers, "nats-sync append-closed").Skipped);
        Assert.Equal(0, Figures(peers, "marten-batch append-closed").Rounds);
        PeerSystemLine nats = peers.Systems.Single(s => s.System == "nats");
        Assert.False(nats.FsyncBeforeAck);
        Assert.Equal("JetStream, sync_interval 2m (default)", nats.Settings);
        Assert.Equal("journal durability Batch: group commit, fsync before ACK", peers.Systems[0].Settings);
        Assert.True(peers.Systems[0].FsyncBeforeAck);
        Assert.False(peers.Systems[1].FsyncBeforeAck);
    }

    [Fact]
    public void Run_PeersStage_RatiosAreAboveOneWhenPipelineIsBetterForThroughputAndLatencyAlike()
    {
        using ResultsFolder folder = StageFolder();

        SummarizeCommand.Run(folder.Path);

        // As compare and any reader of summary.json see them.
        PeersSummary peers = SummarizeCommand.Load(folder.Path).Peers!;

        Assert.Equal(
            ["pipeline vs marten", "pipeline vs marten-batch", "pipeline vs redis", "pipeline vs nats (nats no fsync)", "pipeline-none vs nats (both no fsync)"],
            peers.Pairings.Select(p => p.Label));
        PeerMeasure throughput = Measure(peers, "append-closed", "throughput");
        Assert.True(throughput.HigherIsBetter);
        Assert.Equal("pipeline ÷ peer", throughput.Direction);
        Assert.Equal(100_000.0 / 6_000, Ratio(throughput, "marten", "pipeline"), 9);
        Assert.Null(throughput.Ratios.Single(r => r.Peer == "marten-batch").Ratio);
        Assert.Equal(0.5, Ratio(throughput, "redis", "pipeline"), 9);
        Assert.True(throughput.Ratios.Single(r => r.Peer == "redis").PeerBetter);
        Assert.Equal(400_000.0 / 300_000, Ratio(throughput, "nats", "pipeline-none"), 9);
        PeerMeasure p99 = Measure(peers, "append-closed", "p99");
        Assert.False(p99.HigherIsBetter);
        Assert.Equal("peer ÷ pipeline", p99.Direction);
        Assert.Equal(3.0, Ratio(p99, "marten", "pipeline"), 9);
        Assert.Equal(0.25, Ratio(p99, "redis", "pipeline"), 9);
        Assert.Equal(2.0, Ratio(p99, "nats", "pipeline-none"), 9);
        PeerRatio open = Measure(peers, "append-open-10k", "p99").Ratios.Single(r => r.Peer == "marten");
        Assert.Equal(2.0, open.Ratio!.Value, 9);
        Assert.Equal("≥", open.Bound);
        Assert.Equal(12.0, Ratio(Measure(peers, "read", "catch-up"), "marten", "pipeline"), 9);
        Assert.Equal(2.0, Ratio(Measure(peers, "read", "stream p99"), "marten", "pipeline"), 9);
        Assert.Equal(0.5, Ratio(Measure(peers, "subscribe-10k", "delivery p99.9"), "redis", "pipeline"), 9);
        Assert.Equal(
            ["append-closed throughput", "append-closed p99", "append-open-10k p50", "append-open-10k p99", "append-open-10k p99.9", "read stream p50", "read stream p99", "read catch-up", "subscribe-10k delivery p50", "subscribe-10k delivery p99", "subscribe-10k delivery p99.9"],
            peers.Measures.Select(m => m.Workload + " " + m.Figure));
    }

    [Fact]
    public void Run_PeersStage_MarkdownShowsTheTableLossesSkippedAndFailedSystemsAndTheProbes()
    {
        using ResultsFolder folder = StageFolder();

        SummarizeCommand.Run(folder.Path);

        string md = File.ReadAllText(folder.Combine("summary.md"));
        Assert.Contains("## Peers (the same workloads against Pipeline and other stores; peers/)", md, StringComparison.Ordinal);
        Assert.Contains("above 1 Pipeline is better, below 1 the peer is (the cell names it): throughput rows are Pipeline ÷ peer, latency rows peer ÷ Pipeline", md, StringComparison.Ordinal);
        Assert.Contains("| pipeline | yes | journal durability Batch: group commit, fsync before ACK | 6 | ok |", md, StringComparison.Ordinal);
        Assert.Contains("| pipeline-none | no | journal durability None: no fsync | 1 | ok |", md, StringComparison.Ordinal);
        Assert.Contains("| marten | yes | PostgreSQL 16, synchronous_commit on, fsync on | 5 | FAILED: 1 of 5 runs |", md, StringComparison.Ordinal);
        Assert.Contains("| nats-sync | yes | nats-sync as configured | 1 | skipped: nats-server not installed (apt-get install nats-server) |", md, StringComparison.Ordinal);
        Assert.Contains("| measure | ratio = | pipeline | pipeline-none | marten | marten-batch | redis | nats | pipeline vs marten | pipeline vs marten-batch | pipeline vs redis | pipeline vs nats (nats no fsync) | pipeline-none vs nats (both no fsync) |", md, StringComparison.Ordinal);
        Assert.Contains("| append, closed loop: throughput, appends/s | pipeline ÷ peer | 100,000 | 400,000 | 6,000 (1 of 3 rounds FAILED) | FAILED | 200,000 | 300,000 | 16.67x | - | 0.50x (redis better) | 0.33x (nats better) | 1.33x |", md, StringComparison.Ordinal);
        Assert.Contains("| append, closed loop: p99 µs | peer ÷ pipeline | 4,000 | 400 | 12,000 (1 of 3 rounds FAILED) | FAILED | 1,000 | 800 | 3.00x | - | 0.25x (redis better) | 0.20x (nats better) | 2.00x |", md, StringComparison.Ordinal);
        Assert.Contains("| append, open loop 10k/s: p99 µs | peer ÷ pipeline | 2,000 | - | ≥ 4,000 | - | - | - | ≥ 2.00x | - | - | - | - |", md, StringComparison.Ordinal);
        Assert.Contains("| read: one 1,000-event stream, p50 µs | peer ÷ pipeline | 300 | - | 600 | - | - | - | 2.00x |", md, StringComparison.Ordinal);
        Assert.Contains("| read: catch-up of the whole store, events/s | pipeline ÷ peer | 1,200,000 | - | 100,000 | - | - | - | 12.00x |", md, StringComparison.Ordinal);
        Assert.Contains("| live delivery at 10k/s, sent -> received: p50 µs | peer ÷ pipeline | 400 | - | - | - | 200 | - | - | - | 0.50x (redis better) | - | - |", md, StringComparison.Ordinal);
        Assert.Contains("≥ before a latency: the system fell behind the open-loop rate", md, StringComparison.Ordinal);
        Assert.DoesNotContain("| nats-sync |", md.Split("| measure |")[1], StringComparison.Ordinal);
        Assert.Contains("| disk flush probe | fsync p50 450 µs, p99 900 µs", md, StringComparison.Ordinal);
        Assert.Contains("| ideal group commit | on the stall watch's syncs: latency p50 1.50 ms, p99 2.90 ms, p99.9 3.00 ms;", md, StringComparison.Ordinal);
        Assert.Contains("| handoff probe | 110 ns round trip", md.Split("## Peers")[1], StringComparison.Ordinal);
        Assert.Contains("![peers: open-loop append latency by percentile](peers-latency.png)", md, StringComparison.Ordinal);
        Assert.Contains("![peers: live delivery latency by percentile](peers-delivery.png)", md, StringComparison.Ordinal);
        string text = SummaryReport.Text(SummarizeCommand.Load(folder.Path));
        Assert.Contains("0.25x (redis better)", text, StringComparison.Ordinal);
        Assert.Contains("skipped: nats-server not installed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FailedAndUnreadablePeerRuns_AreFailuresUnderTheirNamesAndSummarizeExitsOne()
    {
        using ResultsFolder folder = StageFolder();
        File.WriteAllText(folder.Combine("peers", "redis-read.json"), "{ \"name\": ");
        File.WriteAllText(folder.Combine("peers", "stray.json"), "{ \"kind\": \"peer\" ");
        folder.AddPeer("nats-append-open-10k", "nats", fsync: false, errors: 3);

        RunSummary summary = SummarizeCommand.Run(folder.Path);
        int exit = Program.Main(["summarize", folder.Path]);

        Assert.Equal(1, exit);
        Assert.Contains("peers marten-append-closed-r3: NpgsqlException: connection reset", summary.Failures);
        Assert.Contains("peers marten-batch-append-closed: PostgreSQL exited with code 1", summary.Failures);
        Assert.Contains("peers nats-append-open-10k: 3 errors", summary.Failures);
        Assert.Contains(summary.Failures, f => f.StartsWith("peers redis-read: unreadable result redis-read.json", StringComparison.Ordinal));
        Assert.Contains(summary.Failures, f => f.StartsWith("peers stray: unreadable result stray.json", StringComparison.Ordinal));
        Assert.DoesNotContain(summary.Failures, f => f.Contains("nats-sync", StringComparison.Ordinal));
        Assert.Equal("FAILED", Measure(summary.Peers!, "read", "catch-up").Values.Single(v => v.System == "redis").Status);
    }

    [Fact]
    public void Run_PipelineReadWithoutStreamReadOrWithAShortStream_IsNotedOrFailed()
    {
        using var older = new ResultsFolder();
        older.AddPeerCatchup("pipeline-read", eventsPerSecond: 1_000_000, streamP50: null);
        using var shorter = new ResultsFolder();
        shorter.AddPeerCatchup("pipeline-read", eventsPerSecond: 1_000_000, streamEvents: 999);

        RunSummary a = SummarizeCommand.Run(older.Path);
        RunSummary b = SummarizeCommand.Run(shorter.Path);

        Assert.Empty(a.Failures);
        Assert.Contains("peers pipeline-read: no streamRead in the catch-up result (a load generator without it): its stream read is not measured", a.Notes);
        PeerFigures figures = Assert.Single(a.Peers!.Figures);
        Assert.Null(figures.StreamReadP50);
        Assert.Equal(1_000_000, figures.CatchupEventsPerSecond);
        Assert.Equal("peers pipeline-read: reading account-probe returned 999 events, not 1000", Assert.Single(b.Failures));
    }

    [Fact]
    public void Run_PipelineRunWithTheOtherDurability_IsNoted()
    {
        using var folder = new ResultsFolder();
        folder.AddPeerLoad("pipeline-append-closed", durability: "None");

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Contains("peers pipeline-append-closed: durability None, but 'pipeline' stands for Batch in the peers table", summary.Notes);
    }

    [Fact]
    public void Run_EmptyPeersFolder_SaysSo()
    {
        using var folder = new ResultsFolder();
        Directory.CreateDirectory(folder.Combine("peers"));

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Empty(summary.Peers!.Systems);
        Assert.Contains("peers/: no run results", summary.Notes);
        Assert.Contains("No run results in peers/.", File.ReadAllText(folder.Combine("summary.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoPeersFolder_LeavesThePeersSectionOut()
    {
        using var folder = new ResultsFolder();
        folder.AddLoad("open-50k-Batch", p50: 120);

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Null(summary.Peers);
        Assert.DoesNotContain("## Peers", File.ReadAllText(folder.Combine("summary.md")), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Combine(PeersBuilder.PlotFile)));
    }

    [Fact]
    public void PlotLines_PeersStage_OneCurvePerSystemAndRateFromTheMedianRoundAndNoCurveWithoutASentHistogram()
    {
        using ResultsFolder folder = StageFolder();
        RunSummary summary = SummaryBuilder.Build(folder.Path);

        var open = PeersBuilder.PlotLines(summary, delivery: false);
        var delivery = PeersBuilder.PlotLines(summary, delivery: true);

        Assert.Equal(["pipeline 10k/s", "marten 10k/s"], open.Select(l => l.Name));
        Assert.Equal([0, 2], open.Select(l => l.Color!.Value));
        Assert.Equal(["redis 10k/s"], delivery.Select(l => l.Name));
        Assert.Equal(200, delivery[0].Points[1].Value);
        Assert.Contains(summary.Notes, n => n.StartsWith("peers: pipeline-subscribe-10k left out of the delivery plot", StringComparison.Ordinal));
    }

    [Fact]
    public void PlotLines_PipelineSubscribeWithItsSentHistogram_IsOnTheDeliveryPlotWithThePeers()
    {
        using ResultsFolder folder = StageFolder();
        folder.AddPeerLoad("pipeline-subscribe-10k", p50: 400, sentHgrm: true);
        RunSummary summary = SummaryBuilder.Build(folder.Path);

        var delivery = PeersBuilder.PlotLines(summary, delivery: true);

        Assert.Equal(["pipeline 10k/s", "redis 10k/s"], delivery.Select(l => l.Name));
        Assert.Equal(400, delivery[0].Points[1].Value);
        Assert.DoesNotContain(summary.Notes, n => n.Contains("left out of the delivery plot", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_PeersStage_WritesBothPlots()
    {
        using ResultsFolder folder = StageFolder();

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Equal(PeersBuilder.PlotFile, summary.Peers!.Plot);
        Assert.Equal(PeersBuilder.DeliveryPlotFile, summary.Peers.DeliveryPlot);
        Assert.Equal(s_pngSignature, File.ReadAllBytes(folder.Combine(PeersBuilder.PlotFile)).Take(8));
        Assert.Equal(s_pngSignature, File.ReadAllBytes(folder.Combine(PeersBuilder.DeliveryPlotFile)).Take(8));
    }

    [Fact]
    public void Compare_PeerFigures_AreRatiosOfBOverAWithRegressionsAndSkippedOrFailedSidesListed()
    {
        using ResultsFolder a = StageFolder();
        using var b = new ResultsFolder();
        b.AddPeerLoad("pipeline-append-closed", p50: 1_000, throughput: 80_000);
        b.AddPeerLoad("pipeline-append-open-10k", p50: 250);
        b.AddPeer("marten-append-closed", "marten", p50: 3_000, throughput: 6_000);
        b.AddPeer("marten-batch-append-closed", "marten-batch", throughput: 40_000);
        b.AddPeer("redis-append-closed", "redis", failed: true, failure: "redis-server exited");
        b.AddPeer("nats-append-closed", "nats", fsync: false, skipped: "nats-server not installed");
        b.AddPeer("nats-sync-append-closed", "nats-sync", skipped: "nats-server not installed");

        SummarizeCommand.Run(a.Path);
        SummarizeCommand.Run(b.Path);

        Comparison comparison = Comparison.Create(SummarizeCommand.Load(a.Path), SummarizeCommand.Load(b.Path));
        string text = comparison.ToText("A", "B");
        int exit = Program.Main(["compare", a.Path, b.Path]);

        RunComparison pipeline = comparison.Runs.Single(r => r.Name == "pipeline append-closed");
        Assert.Equal("peers append-closed", pipeline.Kind);
        Assert.Equal(["throughput", "p99"], pipeline.Metrics.Select(m => m.Metric));
        Assert.Equal(0.8, pipeline.Metrics[0].Ratio, 9);
        Assert.Equal(1.0, pipeline.Metrics[1].Ratio, 9);
        Assert.Equal("REGRESSED: throughput", pipeline.Verdict);
        RunComparison open = comparison.Runs.Single(r => r.Name == "pipeline append-open-10k");
        Assert.Equal(["p50", "p99", "p99.9"], open.Metrics.Select(m => m.Metric));
        Assert.Equal("improved", open.Verdict);
        Assert.Equal("same", comparison.Runs.Single(r => r.Name == "marten append-closed").Verdict);
        Assert.Equal("FAILED in A", comparison.Runs.Single(r => r.Name == "marten-batch append-closed").Verdict);
        Assert.Equal("FAILED in B", comparison.Runs.Single(r => r.Name == "redis append-closed").Verdict);
        Assert.Contains("peers nats append-closed (skipped in B: nats-server not installed)", comparison.OnlyInA);
        Assert.Contains("peers nats-sync append-closed: skipped in both (nats-server not installed)", comparison.Notes);
        Assert.Contains("peers pipeline read", comparison.OnlyInA);
        Assert.Contains("peers: closed-loop appends", text, StringComparison.Ordinal);
        Assert.Contains("peers: open-loop appends", text, StringComparison.Ordinal);
        Assert.Contains("only in A: peers marten read", text, StringComparison.Ordinal);
        Assert.Equal(0, exit);
    }

    private static PeerFigures Figures(PeersSummary peers, string key) => peers.Figures.Single(f => f.Key == key);

    private static PeerMeasure Measure(PeersSummary peers, string workload, string figure) =>
        peers.Measures.Single(m => m.Workload == workload && m.Figure == figure);

    // NaN when the ratio could not be taken (a side without a figure).
    private static double Ratio(PeerMeasure measure, string peer, string pipeline) =>
        measure.Ratios.Single(r => r.Peer == peer && r.Pipeline == pipeline).Ratio ?? double.NaN;
}
