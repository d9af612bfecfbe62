using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>One run present in both summaries: its figures' ratios B/A, or which side failed.</summary>
internal sealed class RunComparison
{
    public string Kind { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>"FAILED in A", "FAILED in B", "FAILED in both"; null when both succeeded and the ratios mean something.</summary>
    public string? Failure { get; init; }

    public List<MetricRatio> Metrics { get; init; } = [];

    public bool Regressed => Failure is not null || Metrics.Exists(m => m.Regressed);

    public string Verdict
    {
        get
        {
            if (Failure is not null)
            {
                return Failure;
            }

            List<string> worse = Metrics.FindAll(m => m.Regressed).ConvertAll(m => m.Metric);
            if (worse.Count > 0)
            {
                return "REGRESSED: " + string.Join(", ", worse);
            }

            return Metrics.Exists(m => m.Improved) ? "improved" : "same";
        }
    }
}
