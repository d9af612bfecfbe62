using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Pipeline.PerfReport;

/// <summary>
/// The peers stage in the summary: the systems with their settings, and one row per measure with every system's
/// figure and Pipeline's ratio to each peer, oriented so that above 1 Pipeline is better. A measure Pipeline loses
/// shows as a ratio below 1 with the better peer named in the cell.
/// </summary>
internal static class PeersReport
{
    /// <summary>One line per system: durability, settings, runs, and whether it ran (skipped: why).</summary>
    public static TextTable Systems(PeersSummary peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var table = new TextTable("system", "fsync before ACK", "settings", ">runs", "status");
        foreach (PeerSystemLine s in peers.Systems)
        {
            string status = s.Skipped is not null ? "skipped: " + s.Skipped
                : s.FailedRuns > 0 ? $"FAILED: {s.FailedRuns} of {s.Runs} runs"
                : s.SkippedRuns > 0 ? $"{s.SkippedRuns} of {s.Runs} runs skipped"
                : "ok";
            table.Add(
                s.System,
                s.FsyncBeforeAck switch { true => "yes", false => "no", null => "?" },
                s.Settings.Length == 0 ? "-" : s.Settings,
                Format.Count(s.Runs),
                status);
        }

        return table;
    }

    /// <summary>The table: a row per measure, a column per system that ran, then a ratio column per pairing.</summary>
    public static TextTable Measures(PeersSummary peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        List<string> columns = PeersBuilder.Columns(peers);
        var headers = new List<string> { "measure", "ratio =" };
        headers.AddRange(columns.Select(static c => ">" + c));
        headers.AddRange(peers.Pairings.Select(static p => ">" + p.Label));
        var table = new TextTable([.. headers]);
        foreach (PeerMeasure m in peers.Measures)
        {
            var cells = new List<string> { m.Label, m.Direction };
            foreach (string system in columns)
            {
                cells.Add(m.Values.Find(v => v.System == system) is { } value ? ValueCell(value, m.HigherIsBetter) : "-");
            }

            foreach (PeerPairing pairing in peers.Pairings)
            {
                cells.Add(m.Ratios.Find(r => r.Peer == pairing.Peer && r.Pipeline == pairing.Pipeline) is { } ratio ? RatioCell(ratio) : "-");
            }

            table.Add([.. cells]);
        }

        return table;
    }

    /// <summary>How to read the table, in a few sentences (the rounds, the ratios' direction, the durability pairs).</summary>
    public static string Legend(PeersSummary peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var text = new StringBuilder();
        int rounds = peers.Figures.Count == 0 ? 0 : peers.Figures.Max(static f => f.Runs.Count);
        text.Append(rounds > 1
            ? $"Each figure is the median over the system's rounds (up to {rounds}, run interleaved; a failed round is left out and said). "
            : "One round per system and workload. ");
        text.Append("Ratios: above 1 Pipeline is better, below 1 the peer is (the cell names it): throughput rows are Pipeline ÷ peer, latency rows peer ÷ Pipeline. ");
        text.Append("An append is one command of the ledger mix: Pipeline decides it into its events, a peer stores it as one event. ");
        text.Append("`pipeline` acknowledges after fsync (journal durability Batch); a peer that does not fsync before its ACK is set against it and, like for like, against `pipeline-none` (no fsync).");
        if (peers.Measures.Exists(static m => m.Values.Exists(static v => v.LowerBound)))
        {
            text.Append(" ≥ before a latency: the system fell behind the open-loop rate (events still unsent at the end), so its latency is a lower bound, and so is a ratio marked ≥ (≤: an upper bound, ?: both fell behind).");
        }

        return text.ToString();
    }

    /// <summary>"12,345", "≥ 4,000" (fell behind), "6,000 (1 of 3 rounds FAILED)", "FAILED", "skipped" or "-" (not run, not measured).</summary>
    public static string ValueCell(PeerMeasureValue value, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Status.StartsWith("skipped", StringComparison.Ordinal))
        {
            return "skipped";
        }

        if (value.Value is not { } figure)
        {
            return value.Status == "FAILED" ? "FAILED" : "-";
        }

        string cell = (value.LowerBound ? "≥ " : string.Empty) + (higherIsBetter ? Format.Count(figure) : Format.Micros(figure));
        return value.Status == "ok" ? cell : $"{cell} ({value.Status})";
    }

    /// <summary>"2.31x", "0.45x (redis better)", "≥ 2.00x" (a bound), or "-" when either side has no figure.</summary>
    public static string RatioCell(PeerRatio ratio)
    {
        ArgumentNullException.ThrowIfNull(ratio);
        if (ratio.Ratio is not { } r)
        {
            return "-";
        }

        string cell = (ratio.Bound.Length > 0 ? ratio.Bound + " " : string.Empty) + Format.Ratio(r);
        return ratio.PeerBetter ? $"{cell} ({ratio.Peer} better)" : cell;
    }
}
