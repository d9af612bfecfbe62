namespace Pipeline.PerfReport;

/// <summary>
/// The catch-up verb's timed reads of one stream (<c>streamRead</c>): the peers stage's stream read, comparable with a
/// peer's <see cref="PeerReadStats.StreamReadUs"/>.
/// </summary>
internal sealed class CatchupStreamRead
{
    public string? Stream { get; init; }

    /// <summary>Events each read of the stream returned (1,000 when right).</summary>
    public long StreamEvents { get; init; }

    public int Reads { get; init; }

    /// <summary>The read time of the whole stream, µs.</summary>
    public LatencyStats? Us { get; init; }
}
