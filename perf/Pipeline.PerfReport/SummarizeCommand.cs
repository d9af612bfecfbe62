using System;
using System.Collections.Generic;
using System.IO;

namespace Pipeline.PerfReport;

/// <summary>The <c>summarize</c> verb: summary.json, summary.md, latency.png and the peers plots from one results folder.</summary>
internal static class SummarizeCommand
{
    public const string SummaryJson = "summary.json";
    public const string SummaryMarkdown = "summary.md";
    public const string PlotFile = "latency.png";

    /// <summary>Writes the three files and returns the summary; <see cref="RunSummary.Failures"/> says whether any run failed.</summary>
    public static RunSummary Run(string directory)
    {
        RunSummary summary = SummaryBuilder.Build(directory);
        var series = SummaryBuilder.PlotSeries(summary);
        string plotPath = Path.Combine(directory, PlotFile);
        if (series.Count > 0 && LatencyPlot.Write(plotPath, "Latency by percentile: " + Path.GetFileName(summary.Directory.TrimEnd('/')), series))
        {
            summary.Plot = PlotFile;
        }
        else
        {
            // A plot left over from an earlier summarize of this folder would show runs that are no longer there.
            File.Delete(plotPath);
        }

        if (summary.Peers is { } peers)
        {
            string name = Path.GetFileName(summary.Directory.TrimEnd('/'));
            peers.Plot = WritePlot(directory, PeersBuilder.PlotFile, "Peers, open-loop append latency by percentile: " + name, PeersBuilder.PlotLines(summary, delivery: false));
            peers.DeliveryPlot = WritePlot(directory, PeersBuilder.DeliveryPlotFile, "Peers, live delivery (sent -> received) by percentile: " + name, PeersBuilder.PlotLines(summary, delivery: true));
        }
        else
        {
            File.Delete(Path.Combine(directory, PeersBuilder.PlotFile));
            File.Delete(Path.Combine(directory, PeersBuilder.DeliveryPlotFile));
        }

        PerfJson.Write(Path.Combine(directory, SummaryJson), summary);
        File.WriteAllText(Path.Combine(directory, SummaryMarkdown), SummaryReport.Markdown(summary));
        return summary;
    }

    // Returns the file's name, or null (deleting a leftover of an earlier summarize) when there was nothing to draw.
    private static string? WritePlot(string directory, string file, string title, List<PlotLine> lines)
    {
        string path = Path.Combine(directory, file);
        if (lines.Count > 0 && LatencyPlot.Write(path, title, lines))
        {
            return file;
        }

        File.Delete(path);
        return null;
    }

    public static RunSummary Load(string directory)
    {
        string path = Path.Combine(directory, SummaryJson);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no {SummaryJson} in {directory} (run 'summarize {directory}' first)", path);
        }

        return PerfJson.Read<RunSummary>(path);
    }
}
