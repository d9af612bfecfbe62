using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Pipeline.Perf;

namespace Pipeline.LatencyHarness;

/// <summary>Writes the results as a console table, latency.csv and latency.json.</summary>
internal static class ResultWriter
{
    public static string Table(IReadOnlyList<LatencyResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Format(
            CultureInfo.InvariantCulture,
            "{0,-18} {1,9} {2,10} {3,9} {4,9} {5,9} {6,9} {7,10} | {8,10} {9,10} | {10,9} {11,8} {12,11} {13,7} {14,13} {15,5}",
            "scenario", "rate/s", "events", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "int.p99 us", "int.max us", "lag max", "late %", "GC 0/1/2", "B/evt", "rt ns b/a", "PSI%"));
        foreach (LatencyResult r in results)
        {
            text.AppendLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0,-18} {1,9:N0} {2,10:N0} {3,9:F1} {4,9:F1} {5,9:F1} {6,9:F1} {7,10:F1} | {8,10:F1} {9,10:F1} | {10,9} {11,8:F2} {12,11} {13,7:F2} {14,13} {15,5:F1}{16}",
                r.Scenario,
                r.Rate,
                r.Count,
                r.P50 / 1000.0,
                r.P90 / 1000.0,
                r.P99 / 1000.0,
                r.P999 / 1000.0,
                r.Max / 1000.0,
                r.IntendedP99 / 1000.0,
                r.IntendedMax / 1000.0,
                FormatNs(r.Schedule.MaxLagNs),
                r.Schedule.Published == 0 ? 0 : 100.0 * r.Schedule.LateEvents / r.Schedule.Published,
                $"{r.Gen0}/{r.Gen1}/{r.Gen2}",
                r.AllocatedBytesPerEvent,
                string.Create(CultureInfo.InvariantCulture, $"{r.ProbeRoundTripNs:F0}/{r.ProbeAfterRoundTripNs:F0}"),
                r.CpuPressure,
                r.Drained ? string.Empty : "  NOT DRAINED"));
        }

        return text.ToString();
    }

    /// <summary>For each rate: Channels' p99 divided by each ring scenario's p99 (the "x below Channels" figure).</summary>
    public static string Comparison(IReadOnlyList<LatencyResult> results)
    {
        var text = new StringBuilder();
        foreach (IGrouping<int, LatencyResult> rate in results.GroupBy(r => r.Rate))
        {
            LatencyResult? channel = rate.FirstOrDefault(r => r.Scenario.EndsWith("_Channel", StringComparison.Ordinal));
            if (channel is null)
            {
                continue;
            }

            foreach (LatencyResult r in rate.Where(r => r != channel))
            {
                text.AppendLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0,9:N0}/s  {1,-18} p99 {2,9:F1} us vs Channels {3,9:F1} us: {4,7:F1}x lower   (p50 {5,6:F1}x, p99.9 {6,6:F1}x)",
                    rate.Key,
                    r.Scenario,
                    r.P99 / 1000.0,
                    channel.P99 / 1000.0,
                    Ratio(channel.P99, r.P99),
                    Ratio(channel.P50, r.P50),
                    Ratio(channel.P999, r.P999)));
            }
        }

        return text.ToString();
    }

    public static void WriteCsv(string path, IReadOnlyList<LatencyResult> results)
    {
        var csv = new StringBuilder();
        csv.AppendLine("scenario,rate,duration_s,count,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,mean_ns,intended_p50_ns,intended_p99_ns,intended_max_ns,achieved_rate,late_events,bursts,max_lag_ns,gen0,gen1,gen2,allocated_bytes_per_event,probe_rt_ns,probe_after_rt_ns,cpu_pressure_some10,load1,drained");
        foreach (LatencyResult r in results)
        {
            csv.AppendLine(string.Join(
                ',',
                r.Scenario,
                I(r.Rate),
                F(r.DurationSeconds, "F2"),
                I(r.Count),
                I(r.P50),
                I(r.P90),
                I(r.P99),
                I(r.P999),
                I(r.Max),
                F(r.Mean, "F1"),
                I(r.IntendedP50),
                I(r.IntendedP99),
                I(r.IntendedMax),
                F(r.Schedule.AchievedRate, "F0"),
                I(r.Schedule.LateEvents),
                I(r.Schedule.Bursts),
                F(r.Schedule.MaxLagNs, "F0"),
                I(r.Gen0),
                I(r.Gen1),
                I(r.Gen2),
                F(r.AllocatedBytesPerEvent, "F3"),
                F(r.ProbeRoundTripNs, "F1"),
                F(r.ProbeAfterRoundTripNs, "F1"),
                F(r.CpuPressure, "F1"),
                r.LoadAverage,
                r.Drained ? "true" : "false"));
        }

        File.WriteAllText(path, csv.ToString());
    }

    public static void WriteJson(string path, HarnessOptions options, HandoffResult start, HandoffResult end, IReadOnlyList<LatencyResult> results)
    {
        using FileStream stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("machine");
        foreach (KeyValuePair<string, string> item in MachineInfo.Describe())
        {
            json.WriteString(item.Key, item.Value);
        }

        json.WriteEndObject();
        json.WriteStartObject("options");
        json.WriteNumber("durationSeconds", options.Duration.TotalSeconds);
        json.WriteNumber("warmupSeconds", options.Warmup.TotalSeconds);
        json.WriteString("filter", options.Filter);
        json.WriteEndObject();
        WriteProbe(json, "handoffProbeStart", start);
        WriteProbe(json, "handoffProbeEnd", end);
        json.WriteStartArray("results");
        foreach (LatencyResult r in results)
        {
            json.WriteStartObject();
            json.WriteString("scenario", r.Scenario);
            json.WriteString("threads", r.Threads);
            json.WriteNumber("rate", r.Rate);
            json.WriteNumber("durationSeconds", r.DurationSeconds);
            json.WriteNumber("count", r.Count);
            json.WriteStartObject("latencyFromSendNs");
            json.WriteNumber("p50", r.P50);
            json.WriteNumber("p90", r.P90);
            json.WriteNumber("p99", r.P99);
            json.WriteNumber("p99_9", r.P999);
            json.WriteNumber("max", r.Max);
            json.WriteNumber("mean", Math.Round(r.Mean, 1));
            json.WriteEndObject();
            json.WriteStartObject("latencyFromIntendedNs");
            json.WriteNumber("p50", r.IntendedP50);
            json.WriteNumber("p99", r.IntendedP99);
            json.WriteNumber("max", r.IntendedMax);
            json.WriteEndObject();
            json.WriteStartObject("schedule");
            json.WriteNumber("published", r.Schedule.Published);
            json.WriteNumber("achievedRate", Math.Round(r.Schedule.AchievedRate));
            json.WriteNumber("lateEvents", r.Schedule.LateEvents);
            json.WriteNumber("bursts", r.Schedule.Bursts);
            json.WriteNumber("maxLagNs", Math.Round(r.Schedule.MaxLagNs));
            json.WriteEndObject();
            json.WriteStartObject("gcCollections");
            json.WriteNumber("gen0", r.Gen0);
            json.WriteNumber("gen1", r.Gen1);
            json.WriteNumber("gen2", r.Gen2);
            json.WriteEndObject();
            json.WriteNumber("allocatedBytesPerEvent", Math.Round(r.AllocatedBytesPerEvent, 3));
            json.WriteNumber("handoffProbeRoundTripNs", Math.Round(r.ProbeRoundTripNs, 1));
            json.WriteNumber("handoffProbeAfterRoundTripNs", Math.Round(r.ProbeAfterRoundTripNs, 1));
            json.WriteNumber("cpuPressureSomeAvg10", r.CpuPressure);
            json.WriteString("loadAverage1MinAtEnd", r.LoadAverage);
            json.WriteBoolean("drained", r.Drained);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteProbe(Utf8JsonWriter json, string name, HandoffResult probe)
    {
        json.WriteStartObject(name);
        json.WriteNumber("roundTripNs", Math.Round(probe.RoundTripNs, 1));
        json.WriteNumber("oneWayNs", Math.Round(probe.OneWayNs, 1));
        json.WriteNumber("minRoundTripNs", Math.Round(probe.MinRoundTripNs, 1));
        json.WriteNumber("maxRoundTripNs", Math.Round(probe.MaxRoundTripNs, 1));
        json.WriteString("measuredAtUtc", probe.MeasuredAtUtc);
        json.WriteEndObject();
    }

    private static string FormatNs(double ns) => ns switch
    {
        >= 1e6 => (ns / 1e6).ToString("F1", CultureInfo.InvariantCulture) + "ms",
        >= 1e3 => (ns / 1e3).ToString("F1", CultureInfo.InvariantCulture) + "us",
        _ => ns.ToString("F0", CultureInfo.InvariantCulture) + "ns",
    };

    private static double Ratio(long baseline, long value) => value <= 0 ? double.PositiveInfinity : (double)baseline / value;

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
