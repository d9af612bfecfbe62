using System;
using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>
/// A figure the peers table shows for one workload family, and how <c>compare</c> names it: the table and the
/// comparison take their rows from this one list.
/// </summary>
/// <param name="What">The row title's text after the workload, with its unit ("p99 µs").</param>
internal sealed record PeerMeasureDefinition(string Family, string Figure, string What, bool HigherIsBetter, Func<PeerFigures, double?> Get)
{
    public static IReadOnlyList<PeerMeasureDefinition> All { get; } =
    [
        new(PeerRunName.AppendClosed, "throughput", "throughput, appends/s", HigherIsBetter: true, static f => f.Throughput),
        new(PeerRunName.AppendClosed, "p99", "p99 µs", HigherIsBetter: false, static f => f.P99),
        new(PeerRunName.AppendOpen, "p50", "p50 µs", HigherIsBetter: false, static f => f.P50),
        new(PeerRunName.AppendOpen, "p99", "p99 µs", HigherIsBetter: false, static f => f.P99),
        new(PeerRunName.AppendOpen, "p99.9", "p99.9 µs", HigherIsBetter: false, static f => f.P999),
        new(PeerRunName.Read, "stream p50", "one 1,000-event stream, p50 µs", HigherIsBetter: false, static f => f.StreamReadP50),
        new(PeerRunName.Read, "stream p99", "one 1,000-event stream, p99 µs", HigherIsBetter: false, static f => f.StreamReadP99),
        new(PeerRunName.Read, "catch-up", "catch-up of the whole store, events/s", HigherIsBetter: true, static f => f.CatchupEventsPerSecond),
        new(PeerRunName.Subscribe, "delivery p50", "p50 µs", HigherIsBetter: false, static f => f.P50),
        new(PeerRunName.Subscribe, "delivery p99", "p99 µs", HigherIsBetter: false, static f => f.P99),
        new(PeerRunName.Subscribe, "delivery p99.9", "p99.9 µs", HigherIsBetter: false, static f => f.P999),
    ];

    /// <summary>The family's order in the table: appends closed, open, reads, live delivery.</summary>
    public static int FamilyOrder(string family) => family switch
    {
        PeerRunName.AppendClosed => 0,
        PeerRunName.AppendOpen => 1,
        PeerRunName.Read => 2,
        PeerRunName.Subscribe => 3,
        _ => 4,
    };

    /// <summary>The row title: "append, open loop 10k/s: p99 µs".</summary>
    public string Label(double? rate) => Family switch
    {
        PeerRunName.AppendClosed => "append, closed loop: " + What,
        PeerRunName.AppendOpen => $"append, open loop {Format.Rate(rate)}/s: {What}",
        PeerRunName.Read => "read: " + What,
        _ => $"live delivery at {Format.Rate(rate)}/s, sent -> received: {What}",
    };

    /// <summary>How the ratio is taken so that above 1 Pipeline is better.</summary>
    public string Direction => HigherIsBetter ? "pipeline ÷ peer" : "peer ÷ pipeline";
}
