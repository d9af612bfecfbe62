using System;
using System.Collections.Generic;
using System.Text;

namespace Pipeline.PerfReport;

/// <summary>
/// The <c>compare</c> verb: two summaries run by run (ratios B/A), the runs only one side has, and whether the two
/// probes say the machine was in the same state. Ratios across machine states mostly measure the machine.
/// </summary>
internal sealed class Comparison
{
    /// <summary>Handoff round trips further apart than this factor: inter-thread figures are not comparable.</summary>
    public const double HandoffLimit = 1.5;

    /// <summary>Disk-flush p99s further apart than this factor: durable-mode figures are not comparable.</summary>
    public const double DiskSyncLimit = 2.0;

    /// <summary>The peers stage's kinds are this followed by the workload family: "peers append-open".</summary>
    public const string PeersKind = "peers ";

    private static readonly (string Family, string Title)[] s_peerKinds =
    [
        (PeerRunName.AppendClosed, "peers: closed-loop appends (each system's own figures, B/A; a peer's change measures the machine or the peer, not Pipeline)"),
        (PeerRunName.AppendOpen, "peers: open-loop appends (µs from the intended send time)"),
        (PeerRunName.Read, "peers: reads (one 1,000-event stream, µs; catch-up of the store, events/s)"),
        (PeerRunName.Subscribe, "peers: live delivery (sent -> received, µs)"),
    ];

    public List<RunComparison> Runs { get; } = [];

    public List<string> OnlyInA { get; } = [];

    public List<string> OnlyInB { get; } = [];

    /// <summary>The machine was in a different state (or is a different machine): read the ratios with care.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Differences worth knowing that do not invalidate the comparison (usually the commit).</summary>
    public List<string> Notes { get; } = [];

    public int RegressionCount => Runs.FindAll(r => r.Regressed).Count;

    public static Comparison Create(RunSummary a, RunSummary b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var comparison = new Comparison();
        comparison.CompareProbes(a.Probes, b.Probes);
        comparison.Pair("load", a.Load, b.Load, r => r.Name, r => r.Failed, LoadMetrics);
        comparison.ComparePacing(a.Load, b.Load);
        comparison.Pair("recovery", a.Recovery, b.Recovery, r => r.Name, r => r.Failed, RecoveryMetrics);
        comparison.Pair("consumers", a.Consumers, b.Consumers, r => r.Name, r => r.Failed, ConsumerMetrics);
        comparison.Pair("catchup", a.Catchup, b.Catchup, r => r.Name, r => r.Failed, CatchupMetrics);
        comparison.ComparePeers(a.Peers, b.Peers);
        comparison.Pair("micro", a.Benchmarks, b.Benchmarks, r => r.DisplayName, r => r.MeanNs is null, BenchmarkMetrics);
        comparison.Pair("ring-latency", a.RingLatency, b.RingLatency, r => r.Key, r => r.Count == 0, RingLatencyMetrics);
        return comparison;
    }

    public string ToText(string nameA, string nameB)
    {
        var text = new StringBuilder();
        text.Append("A = ").Append(nameA).Append('\n');
        text.Append("B = ").Append(nameB).Append('\n');
        text.Append(Format.Invariant($"ratios are B/A; '!' marks a regression (throughput < {MetricRatio.ThroughputLimit:0.0#}x, latency or time > {MetricRatio.LatencyLimit:0.0#}x), '+' an improvement beyond the same margins\n\n"));
        foreach (string warning in Warnings)
        {
            text.Append("WARNING: ").Append(warning).Append('\n');
        }

        foreach (string note in Notes)
        {
            text.Append("note: ").Append(note).Append('\n');
        }

        if (Warnings.Count + Notes.Count > 0)
        {
            text.Append('\n');
        }

        AppendKind(text, "load", "load (throughput and latency percentiles)");
        AppendKind(text, "recovery", "recovery");
        AppendKind(text, "consumers", "consumers (ingest throughput, subscribers' events/s, delivery durable -> received)");
        AppendKind(text, "catchup", "catch-up (one client reading the store from the start)");
        foreach ((string family, string title) in s_peerKinds)
        {
            AppendKind(text, PeersKind + family, title);
        }

        AppendKind(text, "micro", "micro-benchmarks");
        AppendKind(text, "ring-latency", "ring latency (scenario@rate, ns from send)");
        foreach (string name in OnlyInA)
        {
            text.Append("only in A: ").Append(name).Append('\n');
        }

        foreach (string name in OnlyInB)
        {
            text.Append("only in B: ").Append(name).Append('\n');
        }

        text.Append(Format.Invariant($"\n{Runs.Count} runs compared, {RegressionCount} regressed or failed, {OnlyInA.Count} only in A, {OnlyInB.Count} only in B\n"));
        return text.ToString();
    }

    private void AppendKind(StringBuilder text, string kind, string title)
    {
        List<RunComparison> runs = Runs.FindAll(r => r.Kind == kind);
        if (runs.Count == 0)
        {
            return;
        }

        // Columns are the metric names of the first run that has them; every run of a kind has the same set.
        RunComparison? shape = runs.Find(r => r.Metrics.Count > 0);
        var headers = new List<string> { "run" };
        if (shape is not null)
        {
            headers.AddRange(shape.Metrics.ConvertAll(m => ">" + m.Metric));
        }

        headers.Add("verdict");
        var table = new TextTable([.. headers]);
        foreach (RunComparison run in runs)
        {
            var cells = new List<string> { run.Name };
            for (int i = 0; i < headers.Count - 2; i++)
            {
                cells.Add(i < run.Metrics.Count ? run.Metrics[i].Cell : "-");
            }

            cells.Add(run.Verdict);
            table.Add([.. cells]);
        }

        text.Append(title).Append('\n').Append(table.ToText()).Append('\n');
    }

    private void Pair<T>(string kind, List<T> a, List<T> b, Func<T, string> name, Func<T, bool> failed, Func<T, T, List<MetricRatio>> metrics)
    {
        var inB = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (T run in b)
        {
            inB.TryAdd(name(run), run);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (T runA in a)
        {
            string key = name(runA);
            if (!seen.Add(key))
            {
                continue;
            }

            if (!inB.TryGetValue(key, out T? runB))
            {
                OnlyInA.Add($"{kind} {key}");
                continue;
            }

            bool failedA = failed(runA);
            bool failedB = failed(runB);
            string? failure = (failedA, failedB) switch
            {
                (true, true) => "FAILED in both",
                (true, false) => "FAILED in A",
                (false, true) => "FAILED in B",
                _ => null,
            };
            Runs.Add(new RunComparison { Kind = kind, Name = key, Failure = failure, Metrics = failure is null ? metrics(runA, runB) : [] });
        }

        foreach (T runB in b)
        {
            if (!seen.Contains(name(runB)))
            {
                seen.Add(name(runB));
                OnlyInB.Add($"{kind} {name(runB)}");
            }
        }
    }

    // Each system's figures per workload, paired by "system workload"; a system skipped on one side is listed as
    // measured only on the other (with the reason), skipped on both as a note: it measured nothing to compare.
    private void ComparePeers(PeersSummary? a, PeersSummary? b)
    {
        if (a is null && b is null)
        {
            return;
        }

        List<PeerFigures> inA = a?.Figures ?? [];
        List<PeerFigures> inB = b?.Figures ?? [];
        var byKey = new Dictionary<string, PeerFigures>(StringComparer.Ordinal);
        foreach (PeerFigures f in inB)
        {
            byKey.TryAdd(f.Key, f);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (PeerFigures fa in inA)
        {
            if (!seen.Add(fa.Key))
            {
                continue;
            }

            if (!byKey.TryGetValue(fa.Key, out PeerFigures? fb))
            {
                if (fa.Skipped is null)
                {
                    OnlyInA.Add("peers " + fa.Key);
                }
                else
                {
                    Notes.Add($"peers {fa.Key}: only in A, and skipped there ({fa.Skipped})");
                }

                continue;
            }

            switch (fa.Skipped, fb.Skipped)
            {
                case (not null, not null):
                    Notes.Add($"peers {fa.Key}: skipped in both ({fb.Skipped})");
                    continue;
                case (not null, null):
                    OnlyInB.Add($"peers {fa.Key} (skipped in A: {fa.Skipped})");
                    continue;
                case (null, not null):
                    OnlyInA.Add($"peers {fa.Key} (skipped in B: {fb.Skipped})");
                    continue;
            }

            string? failure = (fa.Rounds == 0, fb.Rounds == 0) switch
            {
                (true, true) => "FAILED in both",
                (true, false) => "FAILED in A",
                (false, true) => "FAILED in B",
                _ => null,
            };
            var metrics = new List<MetricRatio>();
            if (failure is null)
            {
                foreach (PeerMeasureDefinition d in PeerMeasureDefinition.All)
                {
                    if (d.Family == fa.Family)
                    {
                        metrics.Add(new MetricRatio(d.Figure, d.Get(fa) ?? double.NaN, d.Get(fb) ?? double.NaN, d.HigherIsBetter));
                    }
                }
            }

            Runs.Add(new RunComparison { Kind = PeersKind + fa.Family, Name = fa.Key, Failure = failure, Metrics = metrics });
        }

        foreach (PeerFigures fb in inB)
        {
            if (!seen.Add(fb.Key))
            {
                continue;
            }

            if (fb.Skipped is null)
            {
                OnlyInB.Add("peers " + fb.Key);
            }
            else
            {
                Notes.Add($"peers {fb.Key}: only in B, and skipped there ({fb.Skipped})");
            }
        }
    }

    // run-perf.sh names its open-loop runs without the pacing: the same name may be a different workload.
    private void ComparePacing(List<LoadRun> a, List<LoadRun> b)
    {
        foreach (LoadRun runA in a)
        {
            LoadRun? runB = b.Find(r => string.Equals(r.Name, runA.Name, StringComparison.Ordinal));
            if (runA.Pacing is { } pacingA && runB?.Pacing is { } pacingB && !string.Equals(pacingA, pacingB, StringComparison.Ordinal))
            {
                Warnings.Add($"load {runA.Name}: pacing {pacingA} in A, {pacingB} in B (the latency's shape differs with the pacing)");
            }
        }
    }

    private static List<MetricRatio> LoadMetrics(LoadRun a, LoadRun b)
    {
        LatencyStats la = a.LatencyUs ?? new LatencyStats();
        LatencyStats lb = b.LatencyUs ?? new LatencyStats();
        return
        [
            new("throughput", a.Throughput, b.Throughput, HigherIsBetter: true),
            new("p50", la.P50, lb.P50, HigherIsBetter: false),
            new("p90", la.P90, lb.P90, HigherIsBetter: false),
            new("p99", la.P99, lb.P99, HigherIsBetter: false),
            new("p99.9", la.P999, lb.P999, HigherIsBetter: false),
            new("p99.99", la.P9999, lb.P9999, HigherIsBetter: false),
            new("max", la.Max, lb.Max, HigherIsBetter: false),
        ];
    }

    private static List<MetricRatio> RecoveryMetrics(RecoveryRun a, RecoveryRun b) =>
    [
        new("restart s", a.RestartSeconds, b.RestartSeconds, HigherIsBetter: false),
        new("replay events/s", a.ReplayEventsPerSecond, b.ReplayEventsPerSecond, HigherIsBetter: true),
    ];

    private static List<MetricRatio> ConsumerMetrics(LoadRun a, LoadRun b)
    {
        LatencyStats da = a.Subscribers?.DurableToReceivedUs ?? new LatencyStats();
        LatencyStats db = b.Subscribers?.DurableToReceivedUs ?? new LatencyStats();
        return
        [
            new("throughput", a.Throughput, b.Throughput, HigherIsBetter: true),
            new("sub events/s", a.Subscribers?.EventsPerSecond ?? 0, b.Subscribers?.EventsPerSecond ?? 0, HigherIsBetter: true),
            new("deliver p50", da.P50, db.P50, HigherIsBetter: false),
            new("deliver p99", da.P99, db.P99, HigherIsBetter: false),
            new("deliver p99.9", da.P999, db.P999, HigherIsBetter: false),
        ];
    }

    private static List<MetricRatio> CatchupMetrics(CatchupRun a, CatchupRun b) =>
    [
        new("subscribe events/s", a.EventsPerSecond, b.EventsPerSecond, HigherIsBetter: true),
        new("fetch events/s", a.FetchEventsPerSecond ?? double.NaN, b.FetchEventsPerSecond ?? double.NaN, HigherIsBetter: true),
    ];

    private static List<MetricRatio> BenchmarkMetrics(BenchmarkResult a, BenchmarkResult b) =>
    [
        new("mean", a.MeanNs ?? double.NaN, b.MeanNs ?? double.NaN, HigherIsBetter: false),
        new("allocated", a.AllocatedBytes ?? 0, b.AllocatedBytes ?? 0, HigherIsBetter: false),
    ];

    private static List<MetricRatio> RingLatencyMetrics(RingLatencyRun a, RingLatencyRun b) =>
    [
        new("p50", a.FromSend.P50, b.FromSend.P50, HigherIsBetter: false),
        new("p99", a.FromSend.P99, b.FromSend.P99, HigherIsBetter: false),
        new("p99.9", a.FromSend.P999, b.FromSend.P999, HigherIsBetter: false),
        new("max", a.FromSend.Max, b.FromSend.Max, HigherIsBetter: false),
    ];

    private void CompareProbes(ProbeReport? a, ProbeReport? b)
    {
        if (a is null || b is null)
        {
            Warnings.Add($"{(a is null ? "A" : "B")} has no probes: the machine's state during that run is unknown");
            return;
        }

        if (a.Handoff is { } ha && b.Handoff is { } hb)
        {
            double apart = Apart(ha.RoundTripNs, hb.RoundTripNs);
            if (double.IsNaN(apart))
            {
                Warnings.Add("handoff probe has no value in A or B (its second thread never got a core): the machine was busy");
            }
            else if (apart > HandoffLimit)
            {
                Warnings.Add(Format.Invariant($"handoff probe differs: A {Format.Fixed(ha.RoundTripNs, 0)} ns vs B {Format.Fixed(hb.RoundTripNs, 0)} ns per round trip ({Format.Ratio(apart)} apart, limit {HandoffLimit:0.0}x); every inter-thread figure moves with it"));
            }
        }

        if (a.DiskSync is { } da && b.DiskSync is { } db)
        {
            double apart = Apart(da.P99Us, db.P99Us);
            if (apart > DiskSyncLimit)
            {
                Warnings.Add(Format.Invariant($"disk flush probe differs: p99 A {Format.Micros(da.P99Us)} µs vs B {Format.Micros(db.P99Us)} µs ({Format.Ratio(apart)} apart, limit {DiskSyncLimit:0.0}x); durable-mode latency moves with it"));
            }

            // One side's disk stalled and the other's did not: a durable run's p99 then compares the disks, not the builds.
            if (da.StallWatch is { } wa && db.StallWatch is { } wb && (wa.Stalls == 0) != (wb.Stalls == 0))
            {
                Warnings.Add(Format.Invariant($"disk stall watch differs: A {wa.Stalls} syncs of 10 ms or more in {Format.Fixed(wa.Seconds, 0)} s (longest {Format.Fixed(wa.MaxUs / 1000, 1)} ms) vs B {wb.Stalls} in {Format.Fixed(wb.Seconds, 0)} s (longest {Format.Fixed(wb.MaxUs / 1000, 1)} ms); durable-mode tails move with it"));
            }
        }

        MachineDescription ma = a.Machine;
        MachineDescription mb = b.Machine;
        if (ma.Cpu != mb.Cpu || ma.Cores != mb.Cores)
        {
            Warnings.Add($"different CPU: A {ma.Cpu}, {ma.Cores} cores; B {mb.Cpu}, {mb.Cores} cores");
        }

        NoteDifference("commit", ma.Commit, mb.Commit);
        NoteDifference("memory", ma.Memory, mb.Memory);
        NoteDifference("OS", ma.Os, mb.Os);
        NoteDifference(".NET", ma.Dotnet, mb.Dotnet);
    }

    private void NoteDifference(string what, string a, string b)
    {
        if (!string.Equals(a, b, StringComparison.Ordinal))
        {
            Notes.Add($"different {what}: A {a}; B {b}");
        }
    }

    // The factor between two positive figures (>= 1); NaN when either is unknown.
    private static double Apart(double a, double b) =>
        a > 0 && b > 0 ? Math.Max(a, b) / Math.Min(a, b) : double.NaN;
}
