using System;
using System.Globalization;
using System.IO;
using Pipeline.Testing;

namespace Pipeline.PerfReport.Tests;

/// <summary>A results folder laid out as run-perf.sh leaves it, filled with hand-written LoadGen-schema fixtures.</summary>
internal sealed class ResultsFolder : IDisposable
{
    private readonly TempDirectory _temp = new();

    public ResultsFolder()
    {
        Directory.CreateDirectory(Combine("load"));
        Directory.CreateDirectory(Combine("recovery"));
    }

    public string Path => _temp.Path;

    public string Combine(params string[] parts) => System.IO.Path.Combine([_temp.Path, .. parts]);

    /// <summary>A load run whose latency percentiles are <paramref name="p50"/> times 1, 2, 4, 8, 16, 32 (p50 .. max).</summary>
    public void AddLoad(string name, double p50, double throughput = 50_000, long errors = 0, bool failed = false, string? failure = null, bool hgrm = true, string mode = "open", string durability = "Batch", string? pacing = "shared")
    {
        string targetRate = mode == "open" ? "50000" : "null";
        string pacingJson = pacing is null ? "null" : "\"" + pacing + "\"";
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "name": "{{name}}", "kind": "load", "mode": "{{mode}}", "durability": "{{durability}}", "targetRate": {{targetRate}}, "pacing": {{pacingJson}},
              "connections": 8, "window": null, "batch": null, "durationSeconds": 10,
              "commands": 500000, "acks": 499990, "rejected": 10, "errors": {{errors}}, "throughput": {{throughput}},
              "failed": {{(failed ? "true" : "false")}}, "failure": {{(failure is null ? "null" : "\"" + failure + "\"")}},
              "hgrm": "{{name}}.hgrm",
              "latencyUs": { "p50": {{p50}}, "p90": {{p50 * 2}}, "p99": {{p50 * 4}}, "p99_9": {{p50 * 8}}, "p99_99": {{p50 * 16}}, "max": {{p50 * 32}}, "mean": {{p50 * 1.1}}, "count": 500000 },
              "serviceUs": null
            }
            """);
        File.WriteAllText(Combine("load", name + ".json"), json);
        if (hgrm)
        {
            File.WriteAllText(Combine("load", name + ".hgrm"), Hgrm(p50));
        }
    }

    public void AddRecovery(string name, double restartSeconds, bool failed = false, string? failure = null)
    {
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {"name": "{{name}}", "kind": "recovery", "events": 1000000, "snapshot": true, "journalBytes": 104857600,
             "restartSeconds": {{restartSeconds}}, "replayedEvents": 1000000, "replayEventsPerSecond": {{1_000_000 / restartSeconds}},
             "failed": {{(failed ? "true" : "false")}}, "failure": {{(failure is null ? "null" : "\"" + failure + "\"")}}}
            """);
        File.WriteAllText(Combine("recovery", name + ".json"), json);
    }

    /// <summary>
    /// A consumers-stage load run (consumers/NAME.json, LoadGen's schema) with <paramref name="subscribers"/>
    /// subscribers (0: no <c>subscribers</c> object), delivery percentiles <paramref name="deliverP50"/> times 1, 2, 4,
    /// 8, 16, 32.
    /// </summary>
    public void AddConsumerLoad(string name, int subscribers, double throughput, double deliverP50 = 100, string mode = "closed", double? targetRate = null, long maxLag = 0, int caughtUp = -1, long beforeAck = 0, bool failed = false, string? failure = null)
    {
        Directory.CreateDirectory(Combine("consumers"));
        string subscribersJson = subscribers == 0 ? "null" : string.Create(CultureInfo.InvariantCulture, $$"""
            {"count": {{subscribers}}, "from": "end", "credits": 1024, "eventsReceived": {{throughput * 13 * subscribers}}, "eventsPerSecond": {{throughput * 1.3 * subscribers}},
             "headAtEnd": 5000000, "maxLagAtEnd": {{maxLag}}, "caughtUp": {{(caughtUp < 0 ? subscribers : caughtUp)}}, "finalHead": 5100000, "settled": {{subscribers}}, "settleSeconds": 0.1,
             "beforeAck": {{beforeAck}}, "untimed": 0, "failed": 0, "failure": null, "hgrm": "{{name}}.subscribe.hgrm",
             "durableToReceivedUs": {{Stats(deliverP50)}}, "sentToReceivedUs": {{Stats(deliverP50 * 3)}},
             "perSubscriber": [{"index": 0, "received": 10, "measuredReceived": 10, "lastPosition": 5000000, "lagAtEnd": {{maxLag}}, "caughtUp": true}]}
            """);
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "name": "{{name}}", "kind": "load", "mode": "{{mode}}", "durability": "Batch", "targetRate": {{(targetRate is { } t ? t.ToString(CultureInfo.InvariantCulture) : "null")}}, "pacing": null,
              "connections": 8, "window": 1024, "batch": 64, "durationSeconds": 10,
              "commands": 500000, "acks": 499990, "rejected": 10, "errors": 0, "throughput": {{throughput}},
              "failed": {{(failed ? "true" : "false")}}, "failure": {{(failure is null ? "null" : "\"" + failure + "\"")}},
              "hgrm": "{{name}}.hgrm", "latencyUs": {{Stats(100)}}, "serviceUs": null, "machineCpu": null,
              "timeline": {"intervalMs": 100, "intervals": []},
              "subscribers": {{subscribersJson}}
            }
            """);
        File.WriteAllText(Combine("consumers", name + ".json"), json);
    }

    /// <summary>A catch-up run (consumers/NAME.json, LoadGen's schema): three subscriber reads and one FETCH read (none without a FETCH rate).</summary>
    public void AddCatchup(string name, double eventsPerSecond, double? fetchEventsPerSecond = 800_000, bool failed = false, string? failure = null)
    {
        Directory.CreateDirectory(Combine("consumers"));
        string read = string.Create(CultureInfo.InvariantCulture, $$"""{"seconds": 2, "events": 2600000, "bytes": 367001600, "eventsPerSecond": {{eventsPerSecond}}, "bytesPerSecond": 183500800}""");
        string fetchReads = fetchEventsPerSecond is null ? "[]" : "[" + read + "]";
        string fetchRate = fetchEventsPerSecond is { } f ? f.ToString(CultureInfo.InvariantCulture) : "null";
        string fetchBytes = fetchEventsPerSecond is null ? "null" : "104857600";
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {"name": "{{name}}", "kind": "catchup", "commands": 2000000, "durability": "Batch", "fillSeconds": 3.25, "storeEvents": 2600000,
             "credits": 8192, "repeat": 3, "eventsPerSecond": {{eventsPerSecond}}, "bytesPerSecond": 183500800,
             "reads": [{{read}}, {{read}}, {{read}}],
             "fetchEventsPerSecond": {{fetchRate}}, "fetchBytesPerSecond": {{fetchBytes}}, "fetchReads": {{fetchReads}},
             "failed": {{(failed ? "true" : "false")}}, "failure": {{(failure is null ? "null" : "\"" + failure + "\"")}}}
            """);
        File.WriteAllText(Combine("consumers", name + ".json"), json);
    }

    private static string Stats(double p50) => string.Create(CultureInfo.InvariantCulture,
        $$"""{ "p50": {{p50}}, "p90": {{p50 * 2}}, "p99": {{p50 * 4}}, "p99_9": {{p50 * 8}}, "p99_99": {{p50 * 16}}, "max": {{p50 * 32}}, "mean": {{p50 * 1.1}}, "count": 1000000 }""");

    public void AddProbes(double handoffNs, double diskP99Us, string cpu = "AMD EPYC", string commit = "abc123")
    {
        PerfJson.Write(Combine("probes.json"), Probes(handoffNs, diskP99Us, cpu, commit));
    }

    public static ProbeReport Probes(double handoffNs, double diskP99Us, string cpu = "AMD EPYC", string commit = "abc123") => new()
    {
        MeasuredAtUtc = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        Machine = new MachineDescription { Cpu = cpu, Cores = 2, Memory = "23.5 GiB", Os = "Debian 12", Dotnet = ".NET 10.0.0", Commit = commit, Load = "0.1 0.2 0.3" },
        Handoff = new HandoffProbeResult { RoundTripNs = handoffNs, MinRoundTripNs = handoffNs * 0.9, MaxRoundTripNs = handoffNs * 1.2 },
        DiskSync = new DiskSyncResult { Method = DiskSyncProbe.Method, Samples = 400, BlockBytes = 4096, P50Us = diskP99Us / 2, P99Us = diskP99Us, MaxUs = diskP99Us * 2, MeanUs = diskP99Us / 2, Directory = "/tmp" },
    };

    /// <summary>HdrHistogram's OutputPercentileDistribution layout, values in µs, 1000 samples.</summary>
    public static string Hgrm(double p50) => string.Create(CultureInfo.InvariantCulture, $"""
               Value     Percentile TotalCount 1/(1-Percentile)

              {p50 / 2,10:F3} 0.000000000000          1           1.00
              {p50,10:F3} 0.500000000000        500           2.00
              {p50 * 2,10:F3} 0.900000000000        900          10.00
              {p50 * 4,10:F3} 0.990000000000        990         100.00
              {p50 * 8,10:F3} 0.999000000000        999        1000.00
              {p50 * 32,10:F3} 1.000000000000       1000
        #[Mean    = {p50 * 1.1,12:F3}, StdDeviation   = {p50 / 3,12:F3}]
        #[Max     = {p50 * 32,12:F3}, Total count    =         1000]
        #[Buckets =           20, SubBuckets     =         2048]

        """);

    public void Dispose() => _temp.Dispose();
}
