using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Pipeline.LoadGen;

/// <summary>One catch-up run's result: <c>&lt;name&gt;.json</c> (camelCase).</summary>
/// <param name="Name">The run's name.</param>
/// <param name="Commands">Ledger commands published closed loop to fill the store (the account setup comes on top).</param>
/// <param name="Durability">The server's journal durability.</param>
/// <param name="FillSeconds">How long publishing them took.</param>
/// <param name="StoreEvents">Events in the store when the reads began (its visible head).</param>
/// <param name="Credits">The subscriber's credit window.</param>
/// <param name="Repeat">Reads of each kind.</param>
/// <param name="EventsPerSecond">The subscriber's events per second, median of the reads.</param>
/// <param name="BytesPerSecond">The subscriber's event-record bytes per second, median of the reads.</param>
/// <param name="Reads">Every subscriber read, in order.</param>
/// <param name="FetchEventsPerSecond">The same by FETCH (max_count 10000, in a loop), median; null when not run.</param>
/// <param name="FetchBytesPerSecond">Bytes per second by FETCH, median; null when not run.</param>
/// <param name="FetchReads">Every FETCH read, in order (empty when not run).</param>
/// <param name="Failed">True when a step failed.</param>
/// <param name="Failure">Why, or null.</param>
/// <param name="StreamRead">The probe stream's timed reads (one stream of 1,000 events spread over the store); null when not run.</param>
internal sealed record CatchupResult(
    [property: JsonPropertyOrder(-2)] string Name,
    long Commands,
    string Durability,
    double FillSeconds,
    long StoreEvents,
    int Credits,
    int Repeat,
    double EventsPerSecond,
    double BytesPerSecond,
    IReadOnlyList<CatchupRead> Reads,
    double? FetchEventsPerSecond,
    double? FetchBytesPerSecond,
    IReadOnlyList<CatchupRead> FetchReads,
    bool Failed,
    string? Failure,
    StreamReadReport? StreamRead = null)
{
    /// <summary>Always "catchup".</summary>
    [JsonPropertyOrder(-1)]
    public string Kind => "catchup";
}

/// <summary>Timed reads of one stream, all of its events each time (READ by stream, in pages of up to 10,000).</summary>
/// <param name="Stream">The stream read.</param>
/// <param name="StreamEvents">Events each read returned.</param>
/// <param name="Reads">Timed reads (after 5 untimed).</param>
/// <param name="Us">The time of one whole read, µs.</param>
internal sealed record StreamReadReport(string Stream, long StreamEvents, int Reads, LatencySummary Us);
