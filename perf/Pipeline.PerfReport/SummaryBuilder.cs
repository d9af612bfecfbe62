using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Pipeline.PerfReport;

/// <summary>
/// Collects one results folder into a <see cref="RunSummary"/>: probes.json, load/*.json, recovery/*.json,
/// consumers/*.json (load runs with subscribers, catch-up runs), peers/*.json (<see cref="PeersBuilder"/>), micro/results (BenchmarkDotNet) and micro/failed.txt. A result file that cannot be read is a failure of its
/// own, never a silently missing row; a load run with errors is a failed run even if LoadGen did not say so.
/// </summary>
internal static class SummaryBuilder
{
    public const string ProbesFile = "probes.json";
    public const string MicroFailedFile = "failed.txt";
    public const string ConsumersFolder = "consumers";

    public static RunSummary Build(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var summary = new RunSummary
        {
            CreatedAtUtc = DateTime.UtcNow,
            Directory = Path.GetFullPath(directory),
            Probes = ReadProbes(directory, out string? probeProblem),
            MicroFailure = ReadMicroFailure(directory),
            Benchmarks = BenchmarkReader.ReadDirectory(Path.Combine(directory, "micro", "results")),
        };
        if (probeProblem is not null)
        {
            summary.Notes.Add(probeProblem);
        }

        ReadRingLatency(directory, summary);

        foreach (string path in JsonFiles(Path.Combine(directory, "load")))
        {
            LoadRun run = ReadRun(path, static (p, e) => new LoadRun { Failed = true, Failure = e }, summary);
            if (!run.Failed && run.Errors > 0)
            {
                run.Failed = true;
                run.Failure = $"{run.Errors} errors";
            }

            summary.Load.Add(run);
        }

        // Open loop before closed, then by durability and rate: the order the suite runs them.
        summary.Load.Sort(static (a, b) =>
        {
            int order = string.CompareOrdinal(b.Mode, a.Mode);
            order = order != 0 ? order : string.CompareOrdinal(a.Durability, b.Durability);
            order = order != 0 ? order : (a.TargetRate ?? 0).CompareTo(b.TargetRate ?? 0);
            return order != 0 ? order : string.CompareOrdinal(a.Name, b.Name);
        });

        foreach (string path in JsonFiles(Path.Combine(directory, "recovery")))
        {
            summary.Recovery.Add(ReadRun(path, static (p, e) => new RecoveryRun { Failed = true, Failure = e }, summary));
        }

        ReadConsumers(directory, summary);
        summary.Peers = PeersBuilder.Read(directory, summary);

        foreach (LoadRun run in summary.Load)
        {
            if (run.Failed)
            {
                summary.Failures.Add($"load {run.Name}: {run.Failure ?? "failed"}");
            }
        }

        foreach (RecoveryRun run in summary.Recovery)
        {
            if (run.Failed)
            {
                summary.Failures.Add($"recovery {run.Name}: {run.Failure ?? "failed"}");
            }
        }

        foreach (CatchupRun run in summary.Catchup)
        {
            if (run.Failed)
            {
                summary.Failures.Add($"catchup {run.Name}: {run.Failure ?? "failed"}");
            }
        }

        foreach (LoadRun run in summary.Consumers)
        {
            if (run.Failed)
            {
                summary.Failures.Add($"consumers {run.Name}: {run.Failure ?? "failed"}");
            }
        }

        foreach (PeerStageRun run in summary.Peers?.Runs ?? [])
        {
            if (run.Failed)
            {
                summary.Failures.Add($"peers {run.Name}: {run.Failure ?? "failed"}");
            }
        }

        if (summary.MicroFailure is not null)
        {
            summary.Failures.Add("micro: " + summary.MicroFailure);
        }

        return summary;
    }

    // consumers/: catch-up runs (kind catchup) and load runs with or without subscribers (kind load). A file whose
    // kind cannot be read is taken as a load run, so that its failure is reported under its name.
    private static void ReadConsumers(string directory, RunSummary summary)
    {
        foreach (string path in JsonFiles(Path.Combine(directory, ConsumersFolder)))
        {
            if (PeekKind(path) == "catchup")
            {
                summary.Catchup.Add(ReadRun(path, static (p, e) => new CatchupRun { Failed = true, Failure = e }, summary));
                continue;
            }

            LoadRun run = ReadRun(path, static (p, e) => new LoadRun { Failed = true, Failure = e }, summary);
            if (!run.Failed && run.Errors > 0)
            {
                run.Failed = true;
                run.Failure = $"{run.Errors} errors";
            }

            summary.Consumers.Add(run);
        }

        // Closed loop before open, fewer subscribers first: the order of the Consumers table.
        summary.Consumers.Sort(static (a, b) =>
        {
            int order = string.CompareOrdinal(a.Mode, b.Mode);
            order = order != 0 ? order : a.SubscriberCount.CompareTo(b.SubscriberCount);
            order = order != 0 ? order : (a.TargetRate ?? 0).CompareTo(b.TargetRate ?? 0);
            return order != 0 ? order : string.CompareOrdinal(a.Name, b.Name);
        });
    }

    private static string? PeekKind(string path)
    {
        try
        {
            return ReadKind(path);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A result file's <c>kind</c>; null when it has none.</summary>
    /// <exception cref="JsonException">The file is not JSON.</exception>
    internal static string? ReadKind(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using JsonDocument document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("kind", out JsonElement kind) && kind.ValueKind == JsonValueKind.String
            ? kind.GetString()
            : null;
    }

    /// <summary>The percentile lines of each successful load run that has a readable .hgrm next to its JSON.</summary>
    public static List<(string Name, IReadOnlyList<HgrmPoint> Points)> PlotSeries(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var series = new List<(string, IReadOnlyList<HgrmPoint>)>();
        foreach (LoadRun run in summary.Load)
        {
            if (run.Failed)
            {
                continue;
            }

            if (string.IsNullOrEmpty(run.Hgrm))
            {
                summary.Notes.Add($"load {run.Name}: no .hgrm named, left out of the plot");
                continue;
            }

            string path = Path.Combine(summary.Directory, "load", run.Hgrm);
            try
            {
                series.Add((run.Name, HgrmFile.Load(path).Points));
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                summary.Notes.Add($"load {run.Name}: {run.Hgrm} unreadable, left out of the plot ({e.Message})");
            }
        }

        return series;
    }

    private static T ReadRun<T>(string path, Func<string, string, T> failed, RunSummary summary)
        where T : class
    {
        string name = Path.GetFileNameWithoutExtension(path);
        try
        {
            T run = PerfJson.Read<T>(path);
            switch (run)
            {
                case LoadRun load when string.IsNullOrEmpty(load.Name):
                    load.Name = name;
                    break;
                case RecoveryRun recovery when string.IsNullOrEmpty(recovery.Name):
                    recovery.Name = name;
                    break;
                case CatchupRun catchup when string.IsNullOrEmpty(catchup.Name):
                    catchup.Name = name;
                    break;
            }

            return run;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            T run = failed(path, $"unreadable result {Path.GetFileName(path)}: {e.Message}");
            switch (run)
            {
                case LoadRun load:
                    load.Name = name;
                    break;
                case RecoveryRun recovery:
                    recovery.Name = name;
                    break;
                case CatchupRun catchup:
                    catchup.Name = name;
                    break;
            }

            summary.Notes.Add($"{path}: {e.Message}");
            return run;
        }
    }

    public const string RingLatencyFile = "latency.json";

    // micro/latency/latency.json: absent when the micro stage did not run; unreadable is a failure like any result.
    private static void ReadRingLatency(string directory, RunSummary summary)
    {
        string path = Path.Combine(directory, "micro", "latency", RingLatencyFile);
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            PerfReport.RingLatencyFile file = PerfJson.Read<PerfReport.RingLatencyFile>(path);
            summary.RingLatency.AddRange(file.Results);
            summary.RingLatencyHandoffStart = file.HandoffProbeStart;
            summary.RingLatencyHandoffEnd = file.HandoffProbeEnd;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            summary.Failures.Add($"micro: ring latency results unreadable ({path}: {e.Message})");
            summary.Notes.Add($"{path}: {e.Message}");
        }
    }

    private static ProbeReport? ReadProbes(string directory, out string? problem)
    {
        string path = Path.Combine(directory, ProbesFile);
        problem = null;
        if (!File.Exists(path))
        {
            problem = $"no {ProbesFile}: machine and probes unknown";
            return null;
        }

        try
        {
            return PerfJson.Read<ProbeReport>(path);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"{ProbesFile} unreadable: {e.Message}";
            return null;
        }
    }

    private static string? ReadMicroFailure(string directory)
    {
        string path = Path.Combine(directory, "micro", MicroFailedFile);
        if (!File.Exists(path))
        {
            return null;
        }

        string text = File.ReadAllText(path).Trim();
        return text.Length == 0 ? "failed" : text;
    }

    // Sorted by name so that summary.json diffs cleanly between runs.
    internal static string[] JsonFiles(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        string[] files = Directory.GetFiles(directory, "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }
}
