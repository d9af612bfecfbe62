using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Pipeline.PerfReport;

/// <summary>
/// The consumers stage in the summary (issue 15): the headline figures against the issue's targets, the load runs
/// with and without subscribers, and the catch-up runs. The targets are shown beside the figures, never judged here:
/// figures from a busy machine say little about them.
/// </summary>
internal static class ConsumersReport
{
    /// <summary>Issue 15: one push subscriber reads at least this many events per second from the store.</summary>
    public const double CatchupTargetPerSecond = 1_000_000;

    /// <summary>Issue 15: ingest with 100 subscribers is at least this share of ingest with none.</summary>
    public const double IngestRatioTarget = 0.75;

    /// <summary>Issue 15: live delivery p99 under this at <see cref="DeliveryTargetRate"/>.</summary>
    public const double DeliveryP99TargetUs = 2_000;

    public const double DeliveryTargetRate = 100_000;

    /// <summary>The headline rows; empty when the stage did not run.</summary>
    public static TextTable Targets(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var table = new TextTable("measure", ">value", "issue 15 target", "runs");
        foreach (CatchupRun c in summary.Catchup.Where(static c => !c.Failed))
        {
            table.Add(
                Format.Invariant($"catch-up: one push subscriber from the start ({Format.Count(c.StoreEvents)} events, credits {c.Credits})"),
                Format.Invariant($"{Format.Count(c.EventsPerSecond)} events/s ({Format.Fixed(c.BytesPerSecond / 1048576, 1)} MiB/s)"),
                Format.Invariant($">= {Format.Count(CatchupTargetPerSecond)} events/s"),
                Format.Invariant($"{c.Name} (median of {c.Reads.Count})"));
            if (c.FetchEventsPerSecond is { } fetch)
            {
                table.Add(
                    "catch-up: FETCH in a loop (max_count 10000)",
                    Format.Invariant($"{Format.Count(fetch)} events/s ({Format.Fixed((c.FetchBytesPerSecond ?? 0) / 1048576, 1)} MiB/s)"),
                    "-",
                    Format.Invariant($"{c.Name} (median of {c.FetchReads.Count})"));
            }
        }

        List<IGrouping<int, LoadRun>> closed = [.. summary.Consumers.Where(static r => !r.Failed && r.Mode == "closed").GroupBy(static r => r.SubscriberCount).OrderBy(static g => g.Key)];
        double? baseline = closed.Find(static g => g.Key == 0) is { } none ? Median(none.Select(static r => r.Throughput)) : null;
        foreach (IGrouping<int, LoadRun> group in closed)
        {
            double throughput = Median(group.Select(static r => r.Throughput));
            table.Add(
                Format.Invariant($"closed-loop ingest ({Durabilities(group)}), {group.Key} subscriber{(group.Key == 1 ? string.Empty : "s")}"),
                Format.Invariant($"{Format.Count(throughput)} commands/s{Rounds(group)}"),
                "-",
                Names(group));
            if (group.Key == 0)
            {
                continue;
            }

            table.Add(
                Format.Invariant($"  {group.Key} subscriber{(group.Key == 1 ? string.Empty : "s")}: events received, slowest lag at the end, caught up"),
                Format.Invariant($"{Format.Count(Median(group.Select(static r => r.Subscribers!.EventsPerSecond)))} events/s in all; lag {Format.Count(group.Max(static r => r.Subscribers!.MaxLagAtEnd))}; {group.Min(static r => r.Subscribers!.CaughtUp)}/{group.Key}"),
                group.Key == 1 ? "keeps up with the closed-loop ingest" : "-",
                Names(group));
            if (baseline is { } zero && zero > 0)
            {
                double ratio = throughput / zero;
                table.Add(
                    Format.Invariant($"  ingest with {group.Key} / with 0 subscribers"),
                    Format.Invariant($"{Format.Ratio(ratio)} ({(ratio - 1) * 100:+0.0;-0.0;0.0}%)"),
                    group.Key == 100 ? Format.Invariant($">= {IngestRatioTarget:0.00}x (drop at most 25%)") : "-",
                    "ratio of the medians");
            }
        }

        foreach (IGrouping<(double Rate, int Subscribers), LoadRun> group in summary.Consumers
            .Where(static r => !r.Failed && r.Mode == "open" && r.SubscriberCount > 0)
            .GroupBy(static r => (r.TargetRate ?? 0, r.SubscriberCount))
            .OrderBy(static g => g.Key.Item1).ThenBy(static g => g.Key.Item2))
        {
            string at = Format.Invariant($"{Format.Rate(group.Key.Rate)}/s, {group.Key.Subscribers} subscriber{(group.Key.Subscribers == 1 ? string.Empty : "s")}");
            table.Add(
                Format.Invariant($"live delivery at {at}: durable (ACK seen) -> received, p50 / p99 / p99.9 µs"),
                Percentiles(group, static s => s.DurableToReceivedUs),
                group.Key.Rate == DeliveryTargetRate ? Format.Invariant($"p99 < {Format.Count(DeliveryP99TargetUs)} µs") : "-",
                Names(group));
            table.Add(
                Format.Invariant($"  publish sent -> received, p50 / p99 / p99.9 µs"),
                Percentiles(group, static s => s.SentToReceivedUs),
                "-",
                Names(group));
            table.Add(
                "  slowest lag at the end; received before their ACK",
                Format.Invariant($"{Format.Count(group.Max(static r => r.Subscribers!.MaxLagAtEnd))} events; {Format.Count(group.Sum(static r => r.Subscribers!.BeforeAck))} of {Format.Count(group.Sum(static r => r.Subscribers!.EventsReceived))}"),
                "keeps up",
                Names(group));
        }

        return table;
    }

    /// <summary>Every load run of the stage, with its subscribers' figures.</summary>
    public static TextTable Runs(IEnumerable<LoadRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new TextTable("run", "mode", ">target/s", ">subs", "from", ">throughput/s", ">sub events/s", ">lag at end", ">caught up", ">deliver p50", ">p99", ">p99.9", ">max", ">before ACK", "status");
        foreach (LoadRun r in runs)
        {
            SubscribersStats? s = r.Subscribers;
            LatencyStats? d = s?.DurableToReceivedUs is { Count: > 0 } stats ? stats : null;
            table.Add(
                r.Name,
                r.Mode ?? "-",
                Format.Rate(r.TargetRate),
                r.SubscriberCount.ToString(CultureInfo.InvariantCulture),
                s?.From ?? "-",
                r.Failed && r.Throughput == 0 ? "-" : Format.Count(r.Throughput),
                s is null ? "-" : Format.Count(s.EventsPerSecond),
                s is null ? "-" : Format.Count(s.MaxLagAtEnd),
                s is null ? "-" : Format.Invariant($"{s.CaughtUp}/{s.Count}"),
                d is null ? "-" : Format.Micros(d.P50),
                d is null ? "-" : Format.Micros(d.P99),
                d is null ? "-" : Format.Micros(d.P999),
                d is null ? "-" : Format.Micros(d.Max),
                s is null ? "-" : Format.Count(s.BeforeAck),
                r.Failed ? "FAILED: " + (r.Failure ?? "failed") : "ok");
        }

        return table;
    }

    /// <summary>Every catch-up run.</summary>
    public static TextTable Catchup(IEnumerable<CatchupRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new TextTable("run", ">commands", ">store events", ">fill s", ">credits", ">subscribe events/s", ">MiB/s", ">fetch events/s", ">fetch MiB/s", ">reads", "status");
        foreach (CatchupRun r in runs)
        {
            bool measured = r.Reads.Count > 0;
            table.Add(
                r.Name,
                Format.Count(r.Commands),
                Format.Count(r.StoreEvents),
                Format.Fixed(r.FillSeconds, 1),
                Format.Count(r.Credits),
                measured ? Format.Count(r.EventsPerSecond) : "-",
                measured ? Format.Fixed(r.BytesPerSecond / 1048576, 1) : "-",
                r.FetchEventsPerSecond is { } f ? Format.Count(f) : "-",
                r.FetchBytesPerSecond is { } fb ? Format.Fixed(fb / 1048576, 1) : "-",
                Format.Invariant($"{r.Reads.Count} + {r.FetchReads.Count}"),
                r.Failed ? "FAILED: " + (r.Failure ?? "failed") : "ok");
        }

        return table;
    }

    /// <summary>The median (the mean of the middle two for an even count); NaN for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    // Each percentile's median over the group's rounds.
    private static string Percentiles(IEnumerable<LoadRun> runs, Func<SubscribersStats, LatencyStats?> pick)
    {
        List<LatencyStats> stats = [.. runs.Select(r => pick(r.Subscribers!)).OfType<LatencyStats>().Where(static l => l.Count > 0)];
        if (stats.Count == 0)
        {
            return "-";
        }

        return Format.Invariant($"{Format.Micros(Median(stats.Select(static l => l.P50)))} / {Format.Micros(Median(stats.Select(static l => l.P99)))} / {Format.Micros(Median(stats.Select(static l => l.P999)))}");
    }

    private static string Rounds(IEnumerable<LoadRun> runs)
    {
        int count = runs.Count();
        return count > 1 ? Format.Invariant($" (median of {count})") : string.Empty;
    }

    private static string Names(IEnumerable<LoadRun> runs) => string.Join(", ", runs.Select(static r => r.Name));

    private static string Durabilities(IEnumerable<LoadRun> runs) => string.Join("/", runs.Select(static r => r.Durability ?? "?").Distinct());
}
