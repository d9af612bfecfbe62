using System.Text.Json.Serialization;

namespace Pipeline.PerfReport;

/// <summary>One scenario/rate of the ring latency harness (micro/latency/latency.json), latencies in nanoseconds.</summary>
internal sealed class RingLatencyRun
{
    public string Scenario { get; set; } = string.Empty;

    public double Rate { get; set; }

    public long Count { get; set; }

    [JsonPropertyName("latencyFromSendNs")]
    public LatencyStats FromSend { get; set; } = new();

    [JsonPropertyName("latencyFromIntendedNs")]
    public LatencyStats FromIntended { get; set; } = new();

    /// <summary>Bytes allocated per event during the measured run; null when the harness did not record it.</summary>
    public double? AllocatedBytesPerEvent { get; set; }

    /// <summary>The key <c>compare</c> matches runs by.</summary>
    [JsonIgnore]
    public string Key => Format.Invariant($"{Scenario}@{Rate:0}");
}
