using System;
using System.Globalization;
using System.IO;
using Pipeline.Testing;
using Xunit;

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

    /// <summary>
    /// A peer run (peers/NAME.json, Pipeline.Peers' schema, <c>kind: peer</c>); the workload comes from the name. Append
    /// latency and delivery percentiles are <paramref name="p50"/> times 1, 2, 4, 8, 16, 32; a read's stream read is too,
    /// its catch-up <paramref name="catchup"/> events/s. <paramref name="skipped"/>: the run did not happen.
    /// </summary>
    public void AddPeer(string name, string system, double p50 = 100, double throughput = 10_000, double catchup = 200_000, bool fsync = true, string? settings = null, bool failed = false, string? failure = null, string? skipped = null, long unsent = 0, long errors = 0)
    {
        Directory.CreateDirectory(Combine("peers"));
        Assert.True(PeerRunName.TryParse(name, out PeerRunName n), name);
        string family = n.Family;
        bool append = skipped is null && family != PeerRunName.Read;
        string workload = family switch
        {
            PeerRunName.Read => "read",
            PeerRunName.Subscribe => "subscribe",
            _ => "append",
        };
        string mode = family == PeerRunName.Read ? "null" : family == PeerRunName.AppendClosed ? "\"closed\"" : "\"open\"";
        string rate = n.Rate is { } r ? r.ToString(CultureInfo.InvariantCulture) : "null";
        string read = skipped is null && family == PeerRunName.Read
            ? string.Create(CultureInfo.InvariantCulture, $$"""{"storeEvents": 1000000, "fillSeconds": 12.5, "streamEvents": 1000, "streamReads": 50, "streamReadUs": {{Stats(p50)}}, "catchupSeconds": [5.1, 5.0, 5.2], "catchupEventsPerSecond": {{catchup}}}""")
            : "null";
        string subscribe = skipped is null && family == PeerRunName.Subscribe
            ? string.Create(CultureInfo.InvariantCulture, $$"""{"appended": 100000, "delivered": 100000, "hgrm": "{{name}}.deliver.hgrm", "deliveryUs": {{Stats(p50)}}}""")
            : "null";
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "name": "{{name}}", "kind": "peer", "system": "{{system}}", "settings": "{{settings ?? system + " as configured"}}", "fsyncBeforeAck": {{(fsync ? "true" : "false")}},
              "workload": "{{workload}}", "mode": {{mode}}, "targetRate": {{rate}}, "connections": 8, "window": null, "batch": 1,
              "durationSeconds": {{(append ? 10 : 0)}}, "events": 100000, "acked": 100000, "errors": {{errors}}, "unsent": {{unsent}}, "throughput": {{(append ? throughput : 0)}},
              "failed": {{(failed ? "true" : "false")}}, "failure": {{Quoted(failure)}}, "skipped": {{Quoted(skipped)}},
              "hgrm": {{(append ? Quoted(name + ".hgrm") : "null")}}, "latencyUs": {{(append ? Stats(p50) : "null")}}, "serviceUs": null,
              "read": {{read}}, "subscribe": {{subscribe}}, "machineCpu": null
            }
            """);
        File.WriteAllText(Combine("peers", name + ".json"), json);
        if (append)
        {
            File.WriteAllText(Combine("peers", name + ".hgrm"), Hgrm(p50));
        }

        if (subscribe != "null")
        {
            File.WriteAllText(Combine("peers", name + ".deliver.hgrm"), Hgrm(p50));
        }
    }

    /// <summary>
    /// Pipeline's load run in the peers stage (peers/NAME.json, LoadGen's schema); a subscribe workload (by its name)
    /// has one subscriber whose sent -> received percentiles are <paramref name="p50"/> times 1, 2, 4, ... and whose
    /// durable -> received ones are a third of those.
    /// </summary>
    public void AddPeerLoad(string name, double p50 = 100, double throughput = 100_000, string durability = "Batch", bool failed = false, string? failure = null, bool sentHgrm = false)
    {
        Directory.CreateDirectory(Combine("peers"));
        Assert.True(PeerRunName.TryParse(name, out PeerRunName n), name);
        bool closed = n.Family == PeerRunName.AppendClosed;
        bool subscribe = n.Family == PeerRunName.Subscribe;
        string subscribers = !subscribe ? "null" : string.Create(CultureInfo.InvariantCulture, $$"""
            {"count": 1, "from": "end", "credits": 1024, "eventsReceived": 130000, "eventsPerSecond": 13000, "headAtEnd": 5000000, "maxLagAtEnd": 0,
             "caughtUp": 1, "finalHead": 5100000, "settled": 1, "settleSeconds": 0.1, "beforeAck": 0, "untimed": 0, "failed": 0, "failure": null,
             "hgrm": "{{name}}.subscribe.hgrm", "durableToReceivedUs": {{Stats(p50 / 3)}}, "sentToReceivedUs": {{Stats(p50)}}, "perSubscriber": [],
             "sentHgrm": {{(sentHgrm ? $"\"{name}.subscribe-sent.hgrm\"" : "null")}}}
            """);
        string rate = n.Rate is { } r ? r.ToString(CultureInfo.InvariantCulture) : "null";
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "name": "{{name}}", "kind": "load", "mode": "{{(closed ? "closed" : "open")}}", "durability": "{{durability}}", "targetRate": {{rate}}, "pacing": {{(closed ? "null" : "\"shared\"")}},
              "connections": 8, "window": {{(closed ? "1024" : "null")}}, "batch": {{(closed ? "64" : "null")}}, "durationSeconds": 10,
              "commands": 1000000, "acks": 1000000, "rejected": 0, "errors": 0, "throughput": {{throughput}},
              "failed": {{(failed ? "true" : "false")}}, "failure": {{Quoted(failure)}},
              "hgrm": "{{name}}.hgrm", "latencyUs": {{Stats(subscribe ? 50 : p50)}}, "serviceUs": null, "machineCpu": null,
              "timeline": {"intervalMs": 100, "intervals": []},
              "subscribers": {{subscribers}}
            }
            """);
        File.WriteAllText(Combine("peers", name + ".json"), json);
        File.WriteAllText(Combine("peers", name + ".hgrm"), Hgrm(subscribe ? 50 : p50));
        if (subscribe)
        {
            File.WriteAllText(Combine("peers", name + ".subscribe.hgrm"), Hgrm(p50 / 3));
            if (sentHgrm)
            {
                File.WriteAllText(Combine("peers", name + ".subscribe-sent.hgrm"), Hgrm(p50));
            }
        }
    }

    /// <summary>
    /// Pipeline's read workload in the peers stage (peers/NAME.json, the catch-up verb's schema): catch-up at
    /// <paramref name="eventsPerSecond"/>, the probe stream read at <paramref name="streamP50"/> times 1, 2, 4, ...
    /// (no <c>streamRead</c> when null).
    /// </summary>
    public void AddPeerCatchup(string name, double eventsPerSecond, double? streamP50 = 100, long streamEvents = 1000, string durability = "Batch")
    {
        Directory.CreateDirectory(Combine("peers"));
        string read = string.Create(CultureInfo.InvariantCulture, $$"""{"seconds": 1, "events": 1000000, "bytes": 141000000, "eventsPerSecond": {{eventsPerSecond}}, "bytesPerSecond": 141000000}""");
        string streamRead = streamP50 is { } s
            ? string.Create(CultureInfo.InvariantCulture, $$"""{"stream": "account-probe", "streamEvents": {{streamEvents}}, "reads": 50, "us": {{Stats(s)}}}""")
            : "null";
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {"name": "{{name}}", "kind": "catchup", "commands": 1000000, "durability": "{{durability}}", "fillSeconds": 3.25, "storeEvents": 1000000,
             "credits": 8192, "repeat": 3, "eventsPerSecond": {{eventsPerSecond}}, "bytesPerSecond": 141000000,
             "reads": [{{read}}, {{read}}, {{read}}],
             "fetchEventsPerSecond": null, "fetchBytesPerSecond": null, "fetchReads": [],
             "streamRead": {{streamRead}},
             "failed": false, "failure": null}
            """);
        File.WriteAllText(Combine("peers", name + ".json"), json);
    }

    private static string Quoted(string? text) => text is null ? "null" : "\"" + text + "\"";

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
