using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>One catch-up run: LoadGen's per-run JSON (<c>kind: catchup</c>): one client reading a filled store from the start.</summary>
internal sealed class CatchupRun
{
    public string Name { get; set; } = string.Empty;

    public string Kind { get; init; } = "catchup";

    /// <summary>Ledger commands published to fill the store.</summary>
    public long Commands { get; init; }

    public string? Durability { get; init; }

    public double FillSeconds { get; init; }

    /// <summary>Events in the store (its visible head) when the reads began.</summary>
    public long StoreEvents { get; init; }

    public int Credits { get; init; }

    public int Repeat { get; init; }

    /// <summary>One push subscriber from the start: events per second, median of the reads.</summary>
    public double EventsPerSecond { get; init; }

    public double BytesPerSecond { get; init; }

    public List<CatchupReadStats> Reads { get; init; } = [];

    /// <summary>FETCH in a loop (max_count 10000): events per second, median; null when not run.</summary>
    public double? FetchEventsPerSecond { get; init; }

    public double? FetchBytesPerSecond { get; init; }

    public List<CatchupReadStats> FetchReads { get; init; } = [];

    /// <summary>Timed reads of one 1,000-event stream of the store; null when the load generator did not time them.</summary>
    public CatchupStreamRead? StreamRead { get; init; }

    public bool Failed { get; set; }

    public string? Failure { get; set; }
}
