using System;
using System.Text.Json.Serialization;
using HdrHistogram;

namespace Pipeline.LoadGen;

/// <summary>The percentiles of a latency histogram, in microseconds, as the result JSON carries them.</summary>
internal sealed record LatencySummary(
    [property: JsonPropertyName("p50")] long P50,
    [property: JsonPropertyName("p90")] long P90,
    [property: JsonPropertyName("p99")] long P99,
    [property: JsonPropertyName("p99_9")] long P99_9,
    [property: JsonPropertyName("p99_99")] long P99_99,
    [property: JsonPropertyName("max")] long Max,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("count")] long Count)
{
    public static LatencySummary From(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);
        }

        return new LatencySummary(
            histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(90),
            histogram.GetValueAtPercentile(99),
            histogram.GetValueAtPercentile(99.9),
            histogram.GetValueAtPercentile(99.99),
            histogram.GetMaxValue(),
            Math.Round(histogram.GetMean(), 3),
            histogram.TotalCount);
    }
}
