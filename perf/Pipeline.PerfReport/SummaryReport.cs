using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Pipeline.PerfReport;

/// <summary>Renders a <see cref="RunSummary"/> as summary.md and as the table printed at the end of a run.</summary>
internal static class SummaryReport
{
    public static string Markdown(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var md = new StringBuilder();
        md.Append("# Perf run ").Append(Path.GetFileName(summary.Directory.TrimEnd('/'))).Append("\n\n");
        md.Append(summary.Failures.Count == 0 ? "**All runs passed.**\n\n" : $"**FAILED: {summary.Failures.Count} run(s) failed** (see Failures).\n\n");
        md.Append("## Machine and probes\n\n").Append(MachineTable(summary.Probes).ToMarkdown()).Append('\n');

        if (summary.Load.Count > 0)
        {
            md.Append("## Load (end to end over TCP; latency in µs, open loop from the intended send time)\n\n")
                .Append(LoadTable(summary.Load).ToMarkdown()).Append('\n');
            if (summary.Plot is not null)
            {
                md.Append("![latency by percentile](").Append(summary.Plot).Append(")\n\n");
            }
        }

        if (summary.Recovery.Count > 0)
        {
            md.Append("## Recovery (restart with replay)\n\n").Append(RecoveryTable(summary.Recovery).ToMarkdown()).Append('\n');
        }

        if (summary.Consumers.Count + summary.Catchup.Count > 0)
        {
            md.Append("## Consumers (issue 15: subscriptions; consumers/)\n\n");
            TextTable targets = ConsumersReport.Targets(summary);
            if (targets.RowCount > 0)
            {
                md.Append(targets.ToMarkdown()).Append('\n');
            }

            md.Append("Live delivery latency is an event's receive time minus the time its publisher saw the ACK of its command ")
                .Append("(sent once the command is durable), both on the load generator's clock; events received before their ACK count as 0. ")
                .Append("Histograms: consumers/<run>.subscribe.hgrm.\n\n");
            if (summary.Consumers.Count > 0)
            {
                md.Append(ConsumersReport.Runs(summary.Consumers).ToMarkdown()).Append('\n');
            }

            if (summary.Catchup.Count > 0)
            {
                md.Append(ConsumersReport.Catchup(summary.Catchup).ToMarkdown()).Append('\n');
            }
        }

        if (summary.Peers is { } peers)
        {
            AppendPeers(md, peers, summary.Probes);
        }

        if (summary.Benchmarks.Count > 0)
        {
            md.Append("## Micro-benchmarks (BenchmarkDotNet; reports in micro/results/)\n\n")
                .Append(BenchmarkTable(summary.Benchmarks).ToMarkdown()).Append('\n');
        }

        if (summary.RingLatency.Count > 0)
        {
            md.Append("## Ring latency (paced producer, ns from send; micro/latency/)\n\n")
                .Append(RingLatencyTable(summary.RingLatency).ToMarkdown()).Append('\n');
            if (RingLatencyHandoff(summary) is { } handoff)
            {
                md.Append(handoff).Append("\n\n");
            }
        }

        AppendList(md, "## Failures", summary.Failures);
        AppendList(md, "## Notes", summary.Notes);
        return md.ToString();
    }

    public static string Text(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var text = new StringBuilder();
        text.Append(MachineTable(summary.Probes).ToText()).Append('\n');
        if (summary.Load.Count > 0)
        {
            text.Append("load (latency µs)\n").Append(LoadTable(summary.Load).ToText()).Append('\n');
        }

        if (summary.Recovery.Count > 0)
        {
            text.Append("recovery\n").Append(RecoveryTable(summary.Recovery).ToText()).Append('\n');
        }

        if (summary.Consumers.Count + summary.Catchup.Count > 0)
        {
            TextTable targets = ConsumersReport.Targets(summary);
            if (targets.RowCount > 0)
            {
                text.Append("consumers (issue 15)\n").Append(targets.ToText()).Append('\n');
            }

            if (summary.Consumers.Count > 0)
            {
                text.Append("consumers: load runs (deliver = durable -> received, µs)\n").Append(ConsumersReport.Runs(summary.Consumers).ToText()).Append('\n');
            }

            if (summary.Catchup.Count > 0)
            {
                text.Append("consumers: catch-up\n").Append(ConsumersReport.Catchup(summary.Catchup).ToText()).Append('\n');
            }
        }

        if (summary.Peers is { } peers)
        {
            text.Append("peers\n").Append(PeersReport.Systems(peers).ToText()).Append('\n');
            if (peers.Measures.Count > 0)
            {
                text.Append(PeersReport.Legend(peers)).Append('\n').Append(PeersReport.Measures(peers).ToText()).Append('\n');
            }
        }

        if (summary.Benchmarks.Count > 0)
        {
            text.Append("micro-benchmarks\n").Append(BenchmarkTable(summary.Benchmarks).ToText()).Append('\n');
        }

        if (summary.RingLatency.Count > 0)
        {
            text.Append("ring latency (paced producer, ns from send)\n").Append(RingLatencyTable(summary.RingLatency).ToText());
            if (RingLatencyHandoff(summary) is { } handoff)
            {
                text.Append(handoff).Append('\n');
            }

            text.Append('\n');
        }

        foreach (string failure in summary.Failures)
        {
            text.Append("FAILED ").Append(failure).Append('\n');
        }

        foreach (string note in summary.Notes)
        {
            text.Append("note: ").Append(note).Append('\n');
        }

        return text.ToString();
    }

    public static TextTable MachineTable(ProbeReport? probes)
    {
        var table = new TextTable("item", "value");
        if (probes is null)
        {
            table.Add("machine", "unknown (no probes.json)");
            return table;
        }

        MachineDescription m = probes.Machine;
        table.Add("cpu", $"{m.Cpu}, {m.Cores} cores");
        table.Add("memory", m.Memory);
        table.Add("os", m.Os);
        table.Add(".NET", m.Dotnet);
        table.Add("commit", m.Commit);
        table.Add("load", m.Load);
        AddProbes(table, probes);
        table.Add("probed at", probes.MeasuredAtUtc.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        return table;
    }

    /// <summary>The probes alone (handoff, disk flush, stall watch, ideal group commit): what a stage's figures stand on.</summary>
    public static TextTable ProbeTable(ProbeReport? probes)
    {
        var table = new TextTable("probe", "value");
        if (probes is null)
        {
            table.Add("probes", "unknown (no probes.json)");
            return table;
        }

        AddProbes(table, probes);
        return table;
    }

    private static void AddProbes(TextTable table, ProbeReport probes)
    {
        if (probes.Handoff is { } h)
        {
            table.Add("handoff probe", Format.Invariant($"{Format.Fixed(h.RoundTripNs, 0)} ns round trip (range {Format.Fixed(h.MinRoundTripNs, 0)}-{Format.Fixed(h.MaxRoundTripNs, 0)}), {Format.Fixed(h.OneWayNs, 0)} ns one way"));
        }

        if (probes.DiskSync is { } d)
        {
            table.Add("disk flush probe", Format.Invariant($"fsync p50 {Format.Micros(d.P50Us)} µs, p99 {Format.Micros(d.P99Us)} µs, max {Format.Micros(d.MaxUs)} µs ({d.Samples} x {d.BlockBytes} B append + flush)"));
            if (d.FdatasyncP50Us is { } dp50 && d.FdatasyncP99Us is { } dp99)
            {
                table.Add("disk fdatasync probe", Format.Invariant($"p50 {Format.Micros(dp50)} µs, p99 {Format.Micros(dp99)} µs ({d.Samples} x {d.BlockBytes} B append + fdatasync)"));
            }

            if (d.StallWatch is { } w)
            {
                table.Add("disk stall watch", Format.Invariant($"{w.Stalls} syncs of 10 ms or more in {Format.Fixed(w.Seconds, 0)} s ({Format.Count(w.Samples)} x {d.BlockBytes} B append + sync), longest {Format.Fixed(w.MaxUs / 1000, 1)} ms"));
                if (w.GroupCommitP50Us is { } g50 && w.GroupCommitP99Us is { } g99 && w.GroupCommitP999Us is { } g999 && w.GroupCommitOver5MsPercent is { } over5)
                {
                    table.Add("ideal group commit", Format.Invariant($"on the stall watch's syncs: latency p50 {Format.Fixed(g50 / 1000, 2)} ms, p99 {Format.Fixed(g99 / 1000, 2)} ms, p99.9 {Format.Fixed(g999 / 1000, 2)} ms; {Format.Fixed(over5, 2)}% of arrivals wait over 5 ms (the floor for durable acknowledgements on this disk)"));
                }
            }
        }
    }

    public static TextTable LoadTable(IEnumerable<LoadRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new TextTable("run", "mode", "pacing", "durability", ">target/s", ">conns", ">throughput/s", ">p50", ">p90", ">p99", ">p99.9", ">p99.99", ">max", ">errors", "status");
        foreach (LoadRun r in runs)
        {
            // A run that recorded nothing (the server died at start) has no percentiles to show, not zeros.
            LatencyStats? l = r.LatencyUs is { Count: > 0 } stats ? stats : null;
            string status = r.Failed ? "FAILED: " + (r.Failure ?? "failed") : "ok";
            table.Add(
                r.Name,
                r.Mode ?? "-",
                r.Pacing ?? "-",
                r.Durability ?? "-",
                Format.Rate(r.TargetRate),
                r.Connections?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                r.Failed && r.Throughput == 0 ? "-" : Format.Count(r.Throughput),
                l is null ? "-" : Format.Micros(l.P50),
                l is null ? "-" : Format.Micros(l.P90),
                l is null ? "-" : Format.Micros(l.P99),
                l is null ? "-" : Format.Micros(l.P999),
                l is null ? "-" : Format.Micros(l.P9999),
                l is null ? "-" : Format.Micros(l.Max),
                Format.Count(r.Errors),
                status);
        }

        return table;
    }

    public static TextTable RecoveryTable(IEnumerable<RecoveryRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new TextTable("run", ">events", "snapshot", ">journal MiB", ">restart s", ">replayed", ">replay events/s", "status");
        foreach (RecoveryRun r in runs)
        {
            // A run that failed before restarting measured nothing: dashes, not zeros.
            bool measured = !r.Failed || r.RestartSeconds > 0;
            table.Add(
                r.Name,
                Format.Count(r.Events),
                r.Snapshot ? "yes" : "no",
                measured ? Format.Fixed(r.JournalBytes / (1024.0 * 1024), 1) : "-",
                measured ? Format.Fixed(r.RestartSeconds, 2) : "-",
                measured ? Format.Count(r.ReplayedEvents) : "-",
                measured ? Format.Count(r.ReplayEventsPerSecond) : "-",
                r.Failed ? "FAILED: " + (r.Failure ?? "failed") : "ok");
        }

        return table;
    }

    public static TextTable BenchmarkTable(IEnumerable<BenchmarkResult> benchmarks)
    {
        ArgumentNullException.ThrowIfNull(benchmarks);
        var table = new TextTable("benchmark", ">mean", ">allocated");
        foreach (BenchmarkResult b in benchmarks)
        {
            table.Add(b.DisplayName, b.Mean, b.Allocated);
        }

        return table;
    }

    public static TextTable RingLatencyTable(IEnumerable<RingLatencyRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new TextTable("scenario", ">rate/s", ">p50", ">p90", ">p99", ">p99.9", ">max", ">p99 from intended", ">B/event");
        foreach (RingLatencyRun r in runs)
        {
            table.Add(
                r.Scenario,
                Format.Count(r.Rate),
                Format.Count(r.FromSend.P50),
                Format.Count(r.FromSend.P90),
                Format.Count(r.FromSend.P99),
                Format.Count(r.FromSend.P999),
                Format.Count(r.FromSend.Max),
                Format.Count(r.FromIntended.P99),
                r.AllocatedBytesPerEvent is { } allocated ? Format.Invariant($"{allocated:0.000}") : "-");
        }

        return table;
    }

    /// <summary>"harness handoff probe: 340 ns round trip before the runs, 77 ns after"; null when latency.json had neither.</summary>
    public static string? RingLatencyHandoff(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        HandoffProbeResult? start = summary.RingLatencyHandoffStart;
        HandoffProbeResult? end = summary.RingLatencyHandoffEnd;
        if (start is null && end is null)
        {
            return null;
        }

        string before = start is null ? "-" : Format.Fixed(start.RoundTripNs, 0);
        string after = end is null ? "-" : Format.Fixed(end.RoundTripNs, 0);
        return $"harness handoff probe: {before} ns round trip before the runs, {after} ns after";
    }

    private static void AppendPeers(StringBuilder md, PeersSummary peers, ProbeReport? probes)
    {
        md.Append("## Peers (the same workloads against Pipeline and other stores; peers/)\n\n");
        if (peers.Systems.Count == 0)
        {
            md.Append("No run results in peers/.\n\n");
            return;
        }

        md.Append(PeersReport.Legend(peers)).Append("\n\n")
            .Append(PeersReport.Systems(peers).ToMarkdown()).Append('\n');
        if (peers.Measures.Count > 0)
        {
            md.Append(PeersReport.Measures(peers).ToMarkdown()).Append('\n');
        }

        md.Append("The machine during the run (probes.json): no store that fsyncs before its ACK can beat the disk's flush, nor the ideal group commit on it.\n\n")
            .Append(ProbeTable(probes).ToMarkdown()).Append('\n');
        if (peers.Plot is not null)
        {
            md.Append("![peers: open-loop append latency by percentile](").Append(peers.Plot).Append(")\n\n");
        }

        if (peers.DeliveryPlot is not null)
        {
            md.Append("![peers: live delivery latency by percentile](").Append(peers.DeliveryPlot).Append(")\n\n");
        }

        if (peers.Plot is not null || peers.DeliveryPlot is not null)
        {
            md.Append("Each curve is the round whose p99 is the median of its system's rounds; colour by system, line pattern by rate.")
                .Append(peers.DeliveryPlot is null ? "\n\n" : " Delivery curves are sent -> received for every system (Pipeline's from the load generator's .subscribe-sent.hgrm).\n\n");
        }
    }

    private static void AppendList(StringBuilder md, string title, List<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        md.Append(title).Append("\n\n");
        foreach (string item in items)
        {
            md.Append("- ").Append(item).Append('\n');
        }

        md.Append('\n');
    }
}
