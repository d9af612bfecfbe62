using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Pipeline.PerfReport.Tests;

public sealed class ConsumersSummaryTests
{
    private static ResultsFolder StageFolder()
    {
        var folder = new ResultsFolder();
        folder.AddCatchup("catchup-2M", eventsPerSecond: 1_250_000);
        folder.AddConsumerLoad("closed-Batch-subs0-r1", subscribers: 0, throughput: 1_000_000);
        folder.AddConsumerLoad("closed-Batch-subs0-r2", subscribers: 0, throughput: 900_000);
        folder.AddConsumerLoad("closed-Batch-subs100-r1", subscribers: 100, throughput: 800_000, maxLag: 12_345, caughtUp: 98);
        folder.AddConsumerLoad("closed-Batch-subs100-r2", subscribers: 100, throughput: 700_000);
        folder.AddConsumerLoad("open-100k-Batch-subs1", subscribers: 1, throughput: 100_000, deliverP50: 400, mode: "open", targetRate: 100_000, beforeAck: 7);
        return folder;
    }

    [Fact]
    public void Run_ConsumersStage_ReadsEveryRunIntoSummaryJson()
    {
        using ResultsFolder folder = StageFolder();

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Empty(summary.Failures);
        Assert.Empty(summary.Load);
        RunSummary read = SummarizeCommand.Load(folder.Path);
        Assert.Equal(["closed-Batch-subs0-r1", "closed-Batch-subs0-r2", "closed-Batch-subs100-r1", "closed-Batch-subs100-r2", "open-100k-Batch-subs1"], read.Consumers.Select(r => r.Name));
        Assert.Null(read.Consumers[0].Subscribers);
        SubscribersStats subs = read.Consumers[2].Subscribers!;
        Assert.Equal(100, subs.Count);
        Assert.Equal(12_345, subs.MaxLagAtEnd);
        Assert.Equal(98, subs.CaughtUp);
        Assert.Equal(400, read.Consumers[4].Subscribers!.DurableToReceivedUs!.P50);
        Assert.Equal(3_200, read.Consumers[4].Subscribers!.DurableToReceivedUs!.P999);
        Assert.Equal(1_200, read.Consumers[4].Subscribers!.SentToReceivedUs!.P50);
        CatchupRun catchup = Assert.Single(read.Catchup);
        Assert.Equal(1_250_000, catchup.EventsPerSecond);
        Assert.Equal(800_000, catchup.FetchEventsPerSecond);
        Assert.Equal(3, catchup.Reads.Count);
        Assert.Equal(2_600_000, catchup.StoreEvents);
        string json = File.ReadAllText(folder.Combine("summary.json"));
        Assert.DoesNotContain("perSubscriber", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ConsumersStage_MarkdownHasTheConsumersTableWithTheRatioAndTheDeliveryPercentiles()
    {
        using ResultsFolder folder = StageFolder();

        SummarizeCommand.Run(folder.Path);

        string md = File.ReadAllText(folder.Combine("summary.md"));
        Assert.Contains("## Consumers (issue 15: subscriptions; consumers/)", md, StringComparison.Ordinal);
        Assert.Contains("| catch-up: one push subscriber from the start (2,600,000 events, credits 8192) | 1,250,000 events/s (175.0 MiB/s) | >= 1,000,000 events/s | catchup-2M (median of 3) |", md, StringComparison.Ordinal);
        Assert.Contains("| catch-up: FETCH in a loop (max_count 10000) | 800,000 events/s (100.0 MiB/s) | - |", md, StringComparison.Ordinal);
        Assert.Contains("| closed-loop ingest (Batch), 0 subscribers | 950,000 commands/s (median of 2) | - | closed-Batch-subs0-r1, closed-Batch-subs0-r2 |", md, StringComparison.Ordinal);
        Assert.Contains("| closed-loop ingest (Batch), 100 subscribers | 750,000 commands/s (median of 2) |", md, StringComparison.Ordinal);
        Assert.Contains("| 0.79x (-21.1%) | >= 0.75x (drop at most 25%) | ratio of the medians |", md, StringComparison.Ordinal);
        Assert.Contains("lag 12,345; 98/100 |", md, StringComparison.Ordinal);
        Assert.Contains("| live delivery at 100k/s, 1 subscriber: durable (ACK seen) -> received, p50 / p99 / p99.9 µs | 400 / 1,600 / 3,200 | p99 < 2,000 µs | open-100k-Batch-subs1 |", md, StringComparison.Ordinal);
        Assert.Contains("| 1,200 / 4,800 / 9,600 | - |", md, StringComparison.Ordinal);
        Assert.Contains("| 0 events; 7 of 1,300,000 | keeps up |", md, StringComparison.Ordinal);
        Assert.Contains("| open-100k-Batch-subs1 | open | 100k | 1 | end | 100,000 | 130,000 | 0 | 1/1 | 400 | 1,600 | 3,200 | 12,800 | 7 | ok |", md, StringComparison.Ordinal);
        Assert.Contains("| closed-Batch-subs0-r1 | closed | - | 0 | - | 1,000,000 | - | - | - | - | - | - | - | - | ok |", md, StringComparison.Ordinal);
        Assert.Contains("| catchup-2M | 2,000,000 | 2,600,000 | 3.2 | 8,192 | 1,250,000 | 175.0 | 800,000 | 100.0 | 3 + 1 | ok |", md, StringComparison.Ordinal);
        Assert.Contains("consumers (issue 15)", SummaryReport.Text(SummarizeCommand.Load(folder.Path)), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FailedConsumerRunsAndUnreadableFiles_AreFailuresUnderTheirNames()
    {
        using var folder = new ResultsFolder();
        folder.AddCatchup("catchup-200k", eventsPerSecond: 0, fetchEventsPerSecond: null, failed: true, failure: "filling the store failed");
        folder.AddConsumerLoad("closed-Batch-subs100", subscribers: 100, throughput: 5, failed: true, failure: "subscriber 3: SubscriptionEndedException: TooMany");
        File.WriteAllText(folder.Combine("consumers", "open-100k-Batch-subs1.json"), "{ \"name\": ");

        RunSummary summary = SummarizeCommand.Run(folder.Path);

        Assert.Equal(3, summary.Failures.Count);
        Assert.Contains("catchup catchup-200k: filling the store failed", summary.Failures);
        Assert.Contains("consumers closed-Batch-subs100: subscriber 3: SubscriptionEndedException: TooMany", summary.Failures);
        Assert.Contains(summary.Failures, f => f.StartsWith("consumers open-100k-Batch-subs1: unreadable result", StringComparison.Ordinal));
        string md = File.ReadAllText(folder.Combine("summary.md"));
        Assert.Contains("| catchup-200k | 2,000,000 | 2,600,000 | 3.2 | 8,192 | 0 | 175.0 | - | - | 3 + 0 | FAILED: filling the store failed |", md, StringComparison.Ordinal);
        Assert.DoesNotContain("catch-up: one push subscriber", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_ConsumerAndCatchupRuns_AreRatiosOfBOverA()
    {
        using ResultsFolder a = StageFolder();
        using var b = new ResultsFolder();
        b.AddCatchup("catchup-2M", eventsPerSecond: 1_000_000, fetchEventsPerSecond: null);
        b.AddConsumerLoad("closed-Batch-subs0-r1", subscribers: 0, throughput: 1_000_000);
        b.AddConsumerLoad("closed-Batch-subs100-r1", subscribers: 100, throughput: 400_000);
        b.AddConsumerLoad("open-100k-Batch-subs1", subscribers: 1, throughput: 100_000, deliverP50: 600, mode: "open", targetRate: 100_000);

        Comparison comparison = Comparison.Create(SummarizeCommand.Run(a.Path), SummarizeCommand.Run(b.Path));
        string text = comparison.ToText("A", "B");

        RunComparison open = comparison.Runs.Single(r => r.Name == "open-100k-Batch-subs1");
        Assert.Equal("consumers", open.Kind);
        Assert.Equal(["throughput", "sub events/s", "deliver p50", "deliver p99", "deliver p99.9"], open.Metrics.Select(m => m.Metric));
        Assert.Equal(1.5, open.Metrics[2].Ratio, 9);
        Assert.StartsWith("REGRESSED: deliver p50", open.Verdict, StringComparison.Ordinal);
        Assert.Equal("same", comparison.Runs.Single(r => r.Name == "closed-Batch-subs0-r1").Verdict);
        Assert.StartsWith("REGRESSED: throughput, sub events/s", comparison.Runs.Single(r => r.Name == "closed-Batch-subs100-r1").Verdict, StringComparison.Ordinal);
        RunComparison catchup = comparison.Runs.Single(r => r.Name == "catchup-2M");
        Assert.Equal("catchup", catchup.Kind);
        Assert.Equal(0.8, catchup.Metrics[0].Ratio, 9);
        Assert.Equal("n/a", catchup.Metrics[1].Cell);
        Assert.Contains("only in A: consumers closed-Batch-subs0-r2", comparison.OnlyInA.Select(n => "only in A: " + n));
        Assert.Contains("consumers (ingest throughput, subscribers' events/s, delivery durable -> received)", text, StringComparison.Ordinal);
        Assert.Contains("catch-up (one client reading the store from the start)", text, StringComparison.Ordinal);
    }
}
