using System.Text.Json.Serialization;

namespace Pipeline.LoadGen;

/// <summary>One recovery run's result: <c>&lt;name&gt;.json</c> (camelCase).</summary>
/// <param name="Name">The run's name.</param>
/// <param name="Events">Commands journaled by the load before the kill (the setup's account openings come on top).</param>
/// <param name="Snapshot">Whether the restart had a snapshot near the end.</param>
/// <param name="JournalBytes">The journal folder's size at the kill.</param>
/// <param name="RestartSeconds">From starting the server process to its "Ingest listening" log line.</param>
/// <param name="ReplayedEvents">Journal events replayed at the restart (the server's "Recovered" line).</param>
/// <param name="ReplayEventsPerSecond">Replayed events over the server's replay time.</param>
/// <param name="Failed">True when a step failed.</param>
/// <param name="Failure">Why, or null.</param>
internal sealed record RecoveryResult(
    [property: JsonPropertyOrder(-2)] string Name,
    long Events,
    bool Snapshot,
    long JournalBytes,
    double RestartSeconds,
    long ReplayedEvents,
    double ReplayEventsPerSecond,
    bool Failed,
    string? Failure)
{
    /// <summary>Always "recovery".</summary>
    [JsonPropertyOrder(-1)]
    public string Kind => "recovery";
}
