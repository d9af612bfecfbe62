namespace Pipeline.PerfReport;

/// <summary>A peer's subscribe workload (<c>subscribe</c> of its JSON): live delivery to one subscriber.</summary>
internal sealed class PeerSubscribeStats
{
    public long Appended { get; init; }

    public long Delivered { get; init; }

    /// <summary>The delivery histogram's file (sent -> received, µs), beside the run's JSON.</summary>
    public string? Hgrm { get; init; }

    /// <summary>From each event's send to its arrival at the subscriber, µs.</summary>
    public LatencyStats? DeliveryUs { get; init; }
}
