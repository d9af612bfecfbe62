using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Pipeline.LoadGen;

/// <summary>One load run's result: <c>&lt;name&gt;.json</c> (camelCase). Field order is the file's order.</summary>
/// <param name="Name">The run's name (also the file names).</param>
/// <param name="Mode">"open" or "closed".</param>
/// <param name="Durability">The server's journal durability (as asked; "external" servers are taken at their word).</param>
/// <param name="TargetRate">Open loop: commands per second asked; null in closed loop.</param>
/// <param name="Pacing">
/// Open loop: "shared" (one pacer round writes every connection at once, about every 1 ms) or "spread" (each
/// connection written at its own phase of the millisecond); null in closed loop.
/// </param>
/// <param name="Connections">Connections.</param>
/// <param name="Window">Closed loop: commands in flight per connection; null in open loop.</param>
/// <param name="Batch">Closed loop: commands per batch; null in open loop.</param>
/// <param name="DurationSeconds">The measured part (warm-up excluded).</param>
/// <param name="Commands">Commands of the measured part (open: scheduled in it; closed: sent in it).</param>
/// <param name="Acks">Measured commands answered OK or REJECTED.</param>
/// <param name="Rejected">Measured commands answered REJECTED by the ledger's rules (a normal part of the mix).</param>
/// <param name="Errors">INVALID, DUPLICATE, missing ACK, connection failure or publish exception; warm-up included.</param>
/// <param name="Throughput">Acks per second of the measured part.</param>
/// <param name="Failed">True when errors &gt; 0 or the server failed.</param>
/// <param name="Failure">Why it failed, or null.</param>
/// <param name="Hgrm">The latency histogram's file, beside this one.</param>
/// <param name="LatencyUs">Latency from the intended send time (open) or from the send (closed), µs.</param>
/// <param name="ServiceUs">Open loop: from the actual send, µs; null in closed loop (it equals the latency there).</param>
/// <param name="MachineCpu">
/// The whole machine's busy, idle and steal shares of all CPUs' time during the measured part (from /proc/stat);
/// null where it could not be read (not Linux).
/// </param>
/// <param name="Timeline">The latency per 100 ms of the measured part, by intended send time.</param>
/// <param name="Subscribers">With <c>--subscribers N</c> (N &gt;= 1): what the subscribers received and how fast; null without.</param>
internal sealed record LoadResult(
    [property: JsonPropertyOrder(-2)] string Name,
    string Mode,
    string Durability,
    double? TargetRate,
    string? Pacing,
    int Connections,
    int? Window,
    int? Batch,
    double DurationSeconds,
    long Commands,
    long Acks,
    long Rejected,
    long Errors,
    double Throughput,
    bool Failed,
    string? Failure,
    string Hgrm,
    LatencySummary LatencyUs,
    LatencySummary? ServiceUs,
    MachineCpuReport? MachineCpu,
    TimelineReport Timeline,
    SubscribersReport? Subscribers = null)
{
    /// <summary>Always "load".</summary>
    [JsonPropertyOrder(-1)]
    public string Kind => "load";
}

/// <summary>A run's latency timeline as the result JSON carries it.</summary>
/// <param name="IntervalMs">An interval's length, ms.</param>
/// <param name="Intervals">Every interval from the measured part's start, in order.</param>
internal sealed record TimelineReport(int IntervalMs, IReadOnlyList<TimelineInterval> Intervals);
