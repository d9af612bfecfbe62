namespace Pipeline.PerfReport;

/// <summary>One timed read of the whole store in a catch-up run.</summary>
internal sealed class CatchupReadStats
{
    public double Seconds { get; init; }

    public long Events { get; init; }

    public long Bytes { get; init; }

    public double EventsPerSecond { get; init; }

    public double BytesPerSecond { get; init; }
}
