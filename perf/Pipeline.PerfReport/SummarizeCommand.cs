using System;
using System.IO;

namespace Pipeline.PerfReport;

/// <summary>The <c>summarize</c> verb: summary.json, summary.md and latency.png from one results folder.</summary>
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

        PerfJson.Write(Path.Combine(directory, SummaryJson), summary);
        File.WriteAllText(Path.Combine(directory, SummaryMarkdown), SummaryReport.Markdown(summary));
        return summary;
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
