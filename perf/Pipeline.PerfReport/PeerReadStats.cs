using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>A peer's read workload (<c>read</c> of its JSON): one 1,000-event stream timed, then the whole store.</summary>
internal sealed class PeerReadStats
{
    public long StoreEvents { get; init; }

    public double FillSeconds { get; init; }

    public long StreamEvents { get; init; }

    public int StreamReads { get; init; }

    /// <summary>The probe stream's read time (all its events), µs.</summary>
    public LatencyStats? StreamReadUs { get; init; }

    public List<double> CatchupSeconds { get; init; } = [];

    /// <summary>Events per second of the median full read.</summary>
    public double CatchupEventsPerSecond { get; init; }
}
