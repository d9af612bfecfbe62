using System.Text.Json.Serialization;

namespace Pipeline.PerfReport;

/// <summary>Percentiles of one ring latency histogram, in nanoseconds (absent ones read as 0).</summary>
internal sealed class RingLatencyStats
{
    public double P50 { get; set; }

    public double P90 { get; set; }

    public double P99 { get; set; }

    [JsonPropertyName("p99_9")]
    public double P999 { get; set; }

    public double Max { get; set; }
}
