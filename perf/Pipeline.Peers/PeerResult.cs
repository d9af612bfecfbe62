using System.Text.Json.Serialization;
using Pipeline.LoadGen;

namespace Pipeline.Peers;

/// <summary>One peer run's result: <c>&lt;name&gt;.json</c> (camelCase). Field order is the file's order.</summary>
/// <param name="Name">The run's name (also the file names).</param>
/// <param name="System">The system (<c>marten</c>, <c>redis</c>, ...).</param>
/// <param name="Settings">The system's durability and speed settings in force, in one line.</param>
/// <param name="FsyncBeforeAck">Whether an acknowledged append was on disk before its acknowledgement.</param>
/// <param name="Workload"><c>append</c>, <c>read</c> or <c>subscribe</c>.</param>
/// <param name="Mode"><c>open</c> or <c>closed</c>; null for read.</param>
/// <param name="TargetRate">Open loop: events per second asked; null otherwise.</param>
/// <param name="Connections">Client connections.</param>
/// <param name="Window">Closed loop: events in flight per connection (after the client's cap); null otherwise.</param>
/// <param name="Batch">Events per append call.</param>
/// <param name="DurationSeconds">The measured part (warm-up excluded); read: 0.</param>
/// <param name="Events">Events of the measured part (open: scheduled in it; closed: sent in it).</param>
/// <param name="Acked">Measured events the server acknowledged.</param>
/// <param name="Errors">Events whose append failed (warm-up included).</param>
/// <param name="Unsent">Open loop: measured events still waiting in the client when the run stopped (the system fell behind the rate); their latency is counted as their wait so far, a lower bound.</param>
/// <param name="Throughput">Acknowledged events per second of the measured part.</param>
/// <param name="Failed">True when the run failed (errors, a wrong read count, the server failed).</param>
/// <param name="Failure">Why it failed, or null.</param>
/// <param name="Skipped">Why the run did not happen (the system is not installed), or null.</param>
/// <param name="Hgrm">The append latency histogram's file beside this one; null for read.</param>
/// <param name="LatencyUs">Append latency: from the intended send time (open) or the send (closed), µs.</param>
/// <param name="ServiceUs">Open loop: from the actual send, µs.</param>
/// <param name="Read">The read workload's figures; null otherwise.</param>
/// <param name="Subscribe">The subscribe workload's figures; null otherwise.</param>
/// <param name="MachineCpu">The machine's busy, idle and steal shares during the measured part, where /proc/stat is readable.</param>
internal sealed record PeerResult(
    [property: JsonPropertyOrder(-2)] string Name,
    string System,
    string Settings,
    bool FsyncBeforeAck,
    string Workload,
    string? Mode,
    double? TargetRate,
    int Connections,
    int? Window,
    int Batch,
    double DurationSeconds,
    long Events,
    long Acked,
    long Errors,
    long Unsent,
    double Throughput,
    bool Failed,
    string? Failure,
    string? Skipped,
    string? Hgrm,
    LatencySummary? LatencyUs,
    LatencySummary? ServiceUs,
    ReadReport? Read,
    SubscribeReport? Subscribe,
    MachineCpuReport? MachineCpu)
{
    /// <summary>Always "peer".</summary>
    [JsonPropertyOrder(-1)]
    public string Kind => "peer";
}

/// <summary>The read workload's figures.</summary>
/// <param name="StoreEvents">Events in the store when the reads ran.</param>
/// <param name="FillSeconds">How long the fill took (not a measure: bulk appends of 500 events per call).</param>
/// <param name="StreamEvents">Events each read of the probe stream returned (1,000 when right).</param>
/// <param name="StreamReads">Timed reads of the probe stream.</param>
/// <param name="StreamReadUs">The probe stream's read time (all its events), µs.</param>
/// <param name="CatchupSeconds">Each full read of the store, seconds.</param>
/// <param name="CatchupEventsPerSecond">Events per second of the median full read.</param>
internal sealed record ReadReport(
    long StoreEvents,
    double FillSeconds,
    long StreamEvents,
    int StreamReads,
    LatencySummary StreamReadUs,
    double[] CatchupSeconds,
    double CatchupEventsPerSecond);

/// <summary>The subscribe workload's figures.</summary>
/// <param name="Appended">Events of the measured part that were acknowledged.</param>
/// <param name="Delivered">Of those, how many the subscriber received.</param>
/// <param name="Hgrm">The delivery histogram's file (sent -> received, µs) beside this one.</param>
/// <param name="DeliveryUs">From each event's send to its arrival at the subscriber, µs.</param>
internal sealed record SubscribeReport(long Appended, long Delivered, string Hgrm, LatencySummary DeliveryUs);
