using System.Text.Json.Serialization;

namespace Pipeline.PerfReport;

/// <summary>
/// A histogram's percentiles as the perf tools write them: LoadGen's <c>latencyUs</c>/<c>serviceUs</c> (µs) and the ring
/// latency harness's <c>latencyFromSendNs</c>/<c>latencyFromIntendedNs</c> (ns). Percentiles a file lacks read as 0.
/// </summary>
internal sealed class LatencyStats
{
    public double P50 { get; init; }

    public double P90 { get; init; }

    public double P99 { get; init; }

    [JsonPropertyName("p99_9")]
    public double P999 { get; init; }

    [JsonPropertyName("p99_99")]
    public double P9999 { get; init; }

    public double Max { get; init; }

    public double Mean { get; init; }

    public long Count { get; init; }
}
