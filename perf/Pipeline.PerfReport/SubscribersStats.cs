namespace Pipeline.PerfReport;

/// <summary>
/// The subscribers of a load run with <c>--subscribers N</c> (LoadGen's <c>subscribers</c>); its per-subscriber lines
/// stay in the run's own JSON.
/// </summary>
internal sealed class SubscribersStats
{
    public int Count { get; init; }

    /// <summary><c>end</c> (live events only) or <c>start</c> (the history first).</summary>
    public string? From { get; init; }

    public int Credits { get; init; }

    /// <summary>Events received by all subscribers in the measured part.</summary>
    public long EventsReceived { get; init; }

    /// <summary>The same per second, all subscribers together.</summary>
    public double EventsPerSecond { get; init; }

    public long HeadAtEnd { get; init; }

    /// <summary>The slowest subscriber's lag (head minus its last position) when the measured part ended.</summary>
    public long MaxLagAtEnd { get; init; }

    /// <summary>Subscribers caught up (CAUGHT_UP received) by the end of the measured part.</summary>
    public int CaughtUp { get; init; }

    public long FinalHead { get; init; }

    /// <summary>Subscribers at the final head within the settle time after the drain.</summary>
    public int Settled { get; init; }

    public double SettleSeconds { get; init; }

    /// <summary>Live events received before their command's ACK was recorded (timed as 0).</summary>
    public long BeforeAck { get; init; }

    public long Untimed { get; init; }

    public int Failed { get; init; }

    public string? Failure { get; init; }

    /// <summary>The durable -> received histogram's file, beside the run's JSON.</summary>
    public string? Hgrm { get; init; }

    /// <summary>The sent -> received histogram's file, beside the run's JSON (runs before it had none).</summary>
    public string? SentHgrm { get; init; }

    /// <summary>Live delivery latency: received minus the publisher's ACK time, µs.</summary>
    public LatencyStats? DurableToReceivedUs { get; init; }

    /// <summary>Received minus the publish send, µs.</summary>
    public LatencyStats? SentToReceivedUs { get; init; }
}
