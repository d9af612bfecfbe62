using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Pipeline.PerfReport;

/// <summary>
/// The peers stage (peers/): reads every run, whichever tool wrote it (Pipeline.Peers: <c>kind: peer</c>;
/// Pipeline.LoadGen: <c>kind: load</c> and <c>kind: catchup</c>), takes each system's median over the rounds per
/// workload, and builds the table's rows with Pipeline's ratio to each peer. A skipped system is listed with its
/// reason and a failed run is a failure, never a silently missing column.
/// </summary>
internal static class PeersBuilder
{
    public const string Folder = "peers";
    public const string Pipeline = "pipeline";
    public const string PipelineNone = "pipeline-none";
    public const string PlotFile = "peers-latency.png";
    public const string DeliveryPlotFile = "peers-delivery.png";

    /// <summary>The probe stream's length in every system's read workload.</summary>
    public const long ProbeStreamEvents = 1000;

    // The table's column order; a system not named here comes after these, by name.
    private static readonly string[] s_systemOrder = [Pipeline, PipelineNone, "marten", "marten-batch", "redis", "nats", "nats-sync"];

    /// <summary>Null when the stage did not run (no peers/ folder).</summary>
    public static PeersSummary? Read(string directory, RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string folder = Path.Combine(directory, Folder);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var runs = new List<PeerStageRun>();
        foreach (string path in SummaryBuilder.JsonFiles(folder))
        {
            if (ReadOne(path, summary) is { } run)
            {
                runs.Add(run);
            }
        }

        if (runs.Count == 0)
        {
            summary.Notes.Add($"{Folder}/: no run results");
        }

        return Build(runs, summary.Notes);
    }

    public static bool IsPipeline(string system) =>
        system == Pipeline || system.StartsWith(Pipeline + "-", StringComparison.Ordinal);

    /// <summary>The medians, the systems, the pairings and the table's rows from the stage's runs.</summary>
    public static PeersSummary Build(List<PeerStageRun> runs, List<string> notes)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(notes);
        runs.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var peers = new PeersSummary { Runs = runs };
        foreach (IGrouping<string, PeerStageRun> system in runs.GroupBy(static r => r.System).OrderBy(static g => SystemOrder(g.Key)).ThenBy(static g => g.Key, StringComparer.Ordinal))
        {
            peers.Systems.Add(SystemLine(system.Key, [.. system], notes));
            foreach (IGrouping<string, PeerStageRun> workload in system.GroupBy(static r => r.Workload))
            {
                peers.Figures.Add(Figures([.. workload.OrderBy(static r => r.Round).ThenBy(static r => r.Name, StringComparer.Ordinal)]));
            }
        }

        peers.Figures.Sort(static (a, b) =>
        {
            int order = PeerMeasureDefinition.FamilyOrder(a.Family).CompareTo(PeerMeasureDefinition.FamilyOrder(b.Family));
            order = order != 0 ? order : (a.Rate ?? 0).CompareTo(b.Rate ?? 0);
            order = order != 0 ? order : string.CompareOrdinal(a.Workload, b.Workload);
            order = order != 0 ? order : SystemOrder(a.System).CompareTo(SystemOrder(b.System));
            return order != 0 ? order : string.CompareOrdinal(a.System, b.System);
        });
        peers.Pairings.AddRange(Pairings(peers.Systems));
        peers.Measures.AddRange(Measures(peers));
        return peers;
    }

    /// <summary>The systems that get a column: every one with a run that was not skipped, in column order.</summary>
    public static List<string> Columns(PeersSummary peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        return peers.Systems.Where(static s => s.Skipped is null).Select(static s => s.System).ToList();
    }

    /// <summary>
    /// The curves of one chart: each system's open-loop append latency (or, with <paramref name="delivery"/>, its live
    /// delivery latency) per rate, from the round whose p99 is the median of its rounds. Colour by system, line
    /// pattern by rate.
    /// </summary>
    public static List<PlotLine> PlotLines(RunSummary summary, bool delivery)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var lines = new List<PlotLine>();
        if (summary.Peers is not { } peers)
        {
            return lines;
        }

        string family = delivery ? PeerRunName.Subscribe : PeerRunName.AppendOpen;
        List<string> columns = Columns(peers);
        List<double> rates = [.. peers.Figures.Where(f => f.Family == family).Select(static f => f.Rate ?? 0).Distinct().Order()];
        var leftOut = new List<string>();
        foreach (PeerFigures figures in peers.Figures.Where(f => f.Family == family && f.Rounds > 0).OrderBy(f => columns.IndexOf(f.System)).ThenBy(static f => f.Rate))
        {
            List<PeerStageRun> measured = [.. peers.Runs.Where(r => r.System == figures.System && r.Workload == figures.Workload && r.Measured && Latency(r) is { Count: > 0 }).OrderBy(static r => Latency(r)!.P99)];
            if (measured.Count == 0)
            {
                continue;
            }

            PeerStageRun run = measured[(measured.Count - 1) / 2];
            if (delivery && run.Kind == "load" && string.IsNullOrEmpty(run.DeliveryHgrm))
            {
                // A run from before LoadGen wrote its sent -> received histogram: its .subscribe.hgrm is durable (ACK
                // seen) -> received, not the peers' measure.
                leftOut.Add(run.Name);
                continue;
            }

            string? hgrm = delivery ? run.DeliveryHgrm : run.Hgrm;
            if (string.IsNullOrEmpty(hgrm))
            {
                summary.Notes.Add($"peers {run.Name}: no .hgrm named, left out of the plot");
                continue;
            }

            try
            {
                IReadOnlyList<HgrmPoint> points = HgrmFile.Load(Path.Combine(summary.Directory, Folder, hgrm)).Points;
                lines.Add(new PlotLine($"{figures.System} {Format.Rate(figures.Rate)}/s", points, columns.IndexOf(figures.System), rates.IndexOf(figures.Rate ?? 0)));
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                summary.Notes.Add($"peers {run.Name}: {hgrm} unreadable, left out of the plot ({e.Message})");
            }
        }

        if (leftOut.Count > 0)
        {
            summary.Notes.Add($"peers: {string.Join(", ", leftOut)} left out of the delivery plot: no sent -> received histogram (a load generator from before it wrote .subscribe-sent.hgrm; the table has the figures)");
        }

        return lines;
    }

    private static PeerStageRun? ReadOne(string path, RunSummary summary)
    {
        string file = Path.GetFileName(path);
        string fileName = Path.GetFileNameWithoutExtension(path);
        string? kind;
        try
        {
            kind = SummaryBuilder.ReadKind(path);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return Unreadable(fileName, $"unreadable result {file}: {e.Message}", summary);
        }

        try
        {
            switch (kind)
            {
                case "peer":
                    PeerRun peer = PerfJson.Read<PeerRun>(path);
                    return Parse(peer.Name, fileName, summary) is { } pn ? FromPeer(peer, NameOr(peer.Name, fileName), pn, summary.Notes) : null;
                case "load":
                    LoadRun load = PerfJson.Read<LoadRun>(path);
                    return Parse(load.Name, fileName, summary) is { } ln ? FromLoad(load, NameOr(load.Name, fileName), ln, summary.Notes) : null;
                case "catchup":
                    CatchupRun catchup = PerfJson.Read<CatchupRun>(path);
                    return Parse(catchup.Name, fileName, summary) is { } cn ? FromCatchup(catchup, NameOr(catchup.Name, fileName), cn, summary.Notes) : null;
                default:
                    return Unreadable(fileName, $"unreadable result {file}: kind {(kind is null ? "missing" : "'" + kind + "'")}, expected peer, load or catchup", summary);
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return Unreadable(fileName, $"unreadable result {file}: {e.Message}", summary);
        }
    }

    // A file that cannot be read is a failed run under its name when the name says which system and workload it
    // was; otherwise it is still a failure of the stage, under the file's name.
    private static PeerStageRun? Unreadable(string fileName, string failure, RunSummary summary)
    {
        summary.Notes.Add($"{Folder}/{fileName}.json: {failure}");
        if (!PeerRunName.TryParse(fileName, out PeerRunName name))
        {
            summary.Failures.Add($"peers {fileName}: {failure}");
            return null;
        }

        return new PeerStageRun
        {
            Name = fileName,
            System = name.System,
            Workload = name.Workload,
            Family = name.Family,
            Rate = name.Rate,
            Round = name.Round,
            Failed = true,
            Failure = failure,
        };
    }

    private static PeerRunName? Parse(string? jsonName, string fileName, RunSummary summary)
    {
        string name = NameOr(jsonName, fileName);
        if (PeerRunName.TryParse(name, out PeerRunName parsed))
        {
            return parsed;
        }

        summary.Notes.Add($"{Folder}/{fileName}.json: the name '{name}' is not <system>-<append-closed|append-open-RATE|read|subscribe-RATE>[-rN]; left out of the peers table");
        return null;
    }

    private static string NameOr(string? jsonName, string fileName) => string.IsNullOrEmpty(jsonName) ? fileName : jsonName;

    private static PeerStageRun FromPeer(PeerRun p, string name, PeerRunName n, List<string> notes)
    {
        string system = string.IsNullOrEmpty(p.System) ? n.System : p.System;
        if (system != n.System)
        {
            notes.Add($"peers {name}: the file says system '{system}', its name '{n.System}'; taken as '{system}'");
        }

        bool errors = p.Skipped is null && !p.Failed && p.Errors > 0;
        bool append = n.Family is PeerRunName.AppendClosed or PeerRunName.AppendOpen or PeerRunName.Subscribe;
        return new PeerStageRun
        {
            Name = name,
            Kind = "peer",
            System = system,
            Workload = n.Workload,
            Family = n.Family,
            Rate = n.Rate,
            Round = n.Round,
            Settings = p.Settings,
            FsyncBeforeAck = p.FsyncBeforeAck,
            Skipped = p.Skipped,
            Failed = p.Skipped is null && (p.Failed || errors),
            Failure = p.Skipped is not null ? null : p.Failed ? p.Failure ?? "failed" : errors ? $"{p.Errors} errors" : null,
            Throughput = append ? p.Throughput : null,
            LatencyUs = p.LatencyUs,
            Unsent = p.Unsent,
            StreamReadUs = p.Read?.StreamReadUs,
            CatchupEventsPerSecond = p.Read?.CatchupEventsPerSecond,
            DeliveryUs = p.Subscribe?.DeliveryUs,
            Hgrm = p.Hgrm,
            DeliveryHgrm = p.Subscribe?.Hgrm,
        };
    }

    private static PeerStageRun FromLoad(LoadRun l, string name, PeerRunName n, List<string> notes)
    {
        CheckPipeline(name, n.System, l.Durability, notes);
        bool subscribe = n.Family == PeerRunName.Subscribe;
        string? failure = l.Failed ? l.Failure ?? "failed" : l.Errors > 0 ? $"{l.Errors} errors" : null;
        if (failure is null && subscribe && l.Subscribers is { Failed: > 0 } s)
        {
            failure = s.Failure ?? $"{s.Failed} subscribers failed";
        }

        if (failure is null && subscribe && l.Subscribers is null)
        {
            notes.Add($"peers {name}: a subscribe run without subscribers: no delivery latency");
        }

        return new PeerStageRun
        {
            Name = name,
            Kind = "load",
            System = n.System,
            Workload = n.Workload,
            Family = n.Family,
            Rate = n.Rate,
            Round = n.Round,
            Settings = PipelineSettings(l.Durability),
            FsyncBeforeAck = l.Durability is null ? null : l.Durability == "Batch",
            Failed = failure is not null,
            Failure = failure,
            Throughput = l.Throughput,
            LatencyUs = l.LatencyUs,
            // sent -> received is the peers' measure; durable -> received would leave out Pipeline's ACK wait.
            DeliveryUs = subscribe ? l.Subscribers?.SentToReceivedUs : null,
            Hgrm = l.Hgrm,
            DeliveryHgrm = subscribe ? l.Subscribers?.SentHgrm : null,
        };
    }

    private static PeerStageRun FromCatchup(CatchupRun c, string name, PeerRunName n, List<string> notes)
    {
        CheckPipeline(name, n.System, c.Durability, notes);
        string? failure = c.Failed ? c.Failure ?? "failed" : null;
        if (c.StreamRead is null)
        {
            notes.Add($"peers {name}: no streamRead in the catch-up result (a load generator without it): its stream read is not measured");
        }
        else if (failure is null && c.StreamRead.StreamEvents != ProbeStreamEvents)
        {
            failure = $"reading {c.StreamRead.Stream ?? "the probe stream"} returned {c.StreamRead.StreamEvents} events, not {ProbeStreamEvents}";
        }

        return new PeerStageRun
        {
            Name = name,
            Kind = "catchup",
            System = n.System,
            Workload = n.Workload,
            Family = n.Family,
            Rate = n.Rate,
            Round = n.Round,
            Settings = PipelineSettings(c.Durability),
            FsyncBeforeAck = c.Durability is null ? null : c.Durability == "Batch",
            Failed = failure is not null,
            Failure = failure,
            StreamReadUs = c.StreamRead?.Us,
            CatchupEventsPerSecond = c.Reads.Count > 0 ? c.EventsPerSecond : null,
        };
    }

    private static string PipelineSettings(string? durability) => durability switch
    {
        null => "journal durability unknown",
        "Batch" => "journal durability Batch: group commit, fsync before ACK",
        "None" => "journal durability None: no fsync",
        _ => "journal durability " + durability,
    };

    // 'pipeline' stands for fsync before ACK and 'pipeline-none' for none in every ratio: a run that was not what its
    // name says would make a ratio lie.
    private static void CheckPipeline(string name, string system, string? durability, List<string> notes)
    {
        string? expected = system switch
        {
            Pipeline => "Batch",
            PipelineNone => "None",
            _ => null,
        };
        if (!IsPipeline(system))
        {
            notes.Add($"peers {name}: a load generator result under the system '{system}', read as Pipeline's");
        }
        else if (expected is not null && durability != expected)
        {
            notes.Add($"peers {name}: durability {durability ?? "unknown"}, but '{system}' stands for {expected} in the peers table");
        }
    }

    private static PeerSystemLine SystemLine(string system, List<PeerStageRun> runs, List<string> notes)
    {
        List<bool> fsync = [.. runs.Where(static r => r.FsyncBeforeAck is not null).Select(static r => r.FsyncBeforeAck!.Value).Distinct()];
        if (fsync.Count > 1)
        {
            notes.Add($"peers {system}: its runs disagree on fsync before ACK");
        }

        List<PeerStageRun> skipped = runs.FindAll(static r => r.Skipped is not null);
        return new PeerSystemLine
        {
            System = system,
            Settings = string.Join("; ", runs.Select(static r => r.Settings).Where(static s => !string.IsNullOrEmpty(s)).Distinct()),
            FsyncBeforeAck = fsync.Count == 1 ? fsync[0] : null,
            Skipped = skipped.Count == runs.Count ? skipped[0].Skipped : null,
            Runs = runs.Count,
            FailedRuns = runs.Count(static r => r.Failed),
            SkippedRuns = skipped.Count,
        };
    }

    private static PeerFigures Figures(List<PeerStageRun> runs)
    {
        PeerStageRun first = runs[0];
        List<PeerStageRun> measured = runs.FindAll(static r => r.Measured);
        List<PeerStageRun> failed = runs.FindAll(static r => r.Failed);
        List<LatencyStats> latency = [.. measured.Select(Latency).OfType<LatencyStats>().Where(static l => l.Count > 0)];
        List<LatencyStats> stream = [.. measured.Select(static r => r.StreamReadUs).OfType<LatencyStats>().Where(static l => l.Count > 0)];
        return new PeerFigures
        {
            System = first.System,
            Workload = first.Workload,
            Family = first.Family,
            Rate = first.Rate,
            Runs = runs.ConvertAll(static r => r.Name),
            FailedRuns = failed.ConvertAll(static r => r.Name),
            Failure = failed.Count > 0 ? failed[0].Failure : null,
            Skipped = measured.Count == 0 && failed.Count == 0 ? runs.Find(static r => r.Skipped is not null)?.Skipped : null,
            Rounds = measured.Count,
            FellBehind = measured.Exists(static r => r.Unsent > 0),
            Throughput = Median(measured.Select(static r => r.Throughput)),
            P50 = Median(latency.Select(static l => (double?)l.P50)),
            P99 = Median(latency.Select(static l => (double?)l.P99)),
            P999 = Median(latency.Select(static l => (double?)l.P999)),
            StreamReadP50 = Median(stream.Select(static l => (double?)l.P50)),
            StreamReadP99 = Median(stream.Select(static l => (double?)l.P99)),
            CatchupEventsPerSecond = Median(measured.Select(static r => r.CatchupEventsPerSecond)),
        };
    }

    // The latency a workload is judged by: delivery for subscribe, the append's own for the others.
    private static LatencyStats? Latency(PeerStageRun run) => run.Family == PeerRunName.Subscribe ? run.DeliveryUs : run.LatencyUs;

    private static double? Median(IEnumerable<double?> values)
    {
        List<double> known = [.. values.OfType<double>()];
        return known.Count == 0 ? null : ConsumersReport.Median(known);
    }

    private static IEnumerable<PeerPairing> Pairings(List<PeerSystemLine> systems)
    {
        bool pipeline = systems.Exists(static s => s.System == Pipeline && s.Skipped is null);
        bool none = systems.Exists(static s => s.System == PipelineNone && s.Skipped is null);
        foreach (PeerSystemLine peer in systems.Where(static s => !IsPipeline(s.System) && s.Skipped is null))
        {
            string p = peer.System;
            if (pipeline)
            {
                yield return new PeerPairing(p, Pipeline, peer.FsyncBeforeAck switch
                {
                    true => $"pipeline vs {p}",
                    false => $"pipeline vs {p} ({p} no fsync)",
                    null => $"pipeline vs {p} ({p} fsync unknown)",
                });
            }

            if (none && peer.FsyncBeforeAck == false)
            {
                yield return new PeerPairing(p, PipelineNone, $"pipeline-none vs {p} (both no fsync)");
            }
        }
    }

    private static IEnumerable<PeerMeasure> Measures(PeersSummary peers)
    {
        List<string> columns = Columns(peers);
        var figures = peers.Figures.ToDictionary(static f => f.Key, StringComparer.Ordinal);
        foreach (PeerFigures workload in peers.Figures.DistinctBy(static f => f.Workload))
        {
            foreach (PeerMeasureDefinition definition in PeerMeasureDefinition.All.Where(d => d.Family == workload.Family))
            {
                List<PeerMeasureValue> values = columns.ConvertAll(system => Value(figures.GetValueOrDefault(system + " " + workload.Workload), definition, system));

                yield return new PeerMeasure
                {
                    Workload = workload.Workload,
                    Figure = definition.Figure,
                    Label = definition.Label(workload.Rate),
                    HigherIsBetter = definition.HigherIsBetter,
                    Direction = definition.Direction,
                    Values = values,
                    Ratios = peers.Pairings.ConvertAll(p => Ratio(p, values.Find(v => v.System == p.Pipeline)!, values.Find(v => v.System == p.Peer)!, definition.HigherIsBetter)),
                };
            }
        }
    }

    private static PeerMeasureValue Value(PeerFigures? figures, PeerMeasureDefinition definition, string system)
    {
        if (figures is null)
        {
            return new PeerMeasureValue(system, null, "not run");
        }

        if (figures.Skipped is not null)
        {
            return new PeerMeasureValue(system, null, "skipped: " + figures.Skipped);
        }

        if (figures.Rounds == 0)
        {
            return new PeerMeasureValue(system, null, "FAILED");
        }

        string status = figures.FailedRuns.Count > 0 ? $"{figures.FailedRuns.Count} of {figures.Runs.Count} rounds FAILED" : "ok";
        return new PeerMeasureValue(system, definition.Get(figures), status, LowerBound: figures.FellBehind && !definition.HigherIsBetter);
    }

    private static PeerRatio Ratio(PeerPairing pairing, PeerMeasureValue pipeline, PeerMeasureValue peer, bool higherIsBetter)
    {
        if (pipeline.Value is not > 0 || peer.Value is not > 0)
        {
            return new PeerRatio(pairing.Peer, pairing.Pipeline, null);
        }

        double ratio = higherIsBetter ? pipeline.Value.Value / peer.Value.Value : peer.Value.Value / pipeline.Value.Value;
        // A lower-bound latency on the peer's side (numerator) makes the ratio a lower bound; on Pipeline's, an upper one.
        string bound = (peer.LowerBound, pipeline.LowerBound) switch
        {
            (true, true) => "?",
            (true, false) => "≥",
            (false, true) => "≤",
            _ => string.Empty,
        };
        return new PeerRatio(pairing.Peer, pairing.Pipeline, ratio, bound);
    }

    private static int SystemOrder(string system)
    {
        int at = Array.IndexOf(s_systemOrder, system);
        return at < 0 ? s_systemOrder.Length : at;
    }
}
