using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using HdrHistogram;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class RunResultWriterTests
{
    private static LongHistogram SampleHistogram()
    {
        var histogram = new LongHistogram(LatencyRecorder.HighestTrackableMicroseconds, 3);
        var random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            histogram.RecordValue(100 + random.Next(900));
        }

        histogram.RecordValue(250_000);
        return histogram;
    }

    private static LoadResult SampleLoad(bool open, long errors = 0) => new(
        "run-1",
        open ? "open" : "closed",
        "Batch",
        open ? 50_000 : null,
        open ? "spread" : null,
        8,
        open ? null : 1024,
        open ? null : 64,
        10,
        500_000,
        499_000,
        25_000,
        errors,
        49_900,
        errors > 0,
        errors > 0 ? "boom" : null,
        "run-1.hgrm",
        LatencySummary.From(SampleHistogram()),
        open ? LatencySummary.From(SampleHistogram()) : null,
        open ? new MachineCpuReport(61.2, 31.0, 7.8, 2) : null,
        new TimelineReport(100, [new TimelineInterval(0, 4_990, 512.5, 2_000), new TimelineInterval(0.1, 0, 0, 0)]));

    [Fact]
    public void WriteHgrm_ParsedBack_PercentileLinesAndFooterMatchTheHistogram()
    {
        LongHistogram histogram = SampleHistogram();
        using var text = new StringWriter(CultureInfo.InvariantCulture);

        RunResultWriter.WriteHgrm(text, histogram);

        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["Value", "Percentile", "TotalCount", "1/(1-Percentile)"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var rows = new List<(double Value, double Percentile, long Count)>();
        foreach (string line in lines.Skip(1).Where(l => !l.StartsWith('#')))
        {
            string[] cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.InRange(cells.Length, 3, 4);
            rows.Add((double.Parse(cells[0], CultureInfo.InvariantCulture), double.Parse(cells[1], CultureInfo.InvariantCulture), long.Parse(cells[2], CultureInfo.InvariantCulture)));
        }

        Assert.True(rows.Count > 20);
        Assert.Equal(rows.OrderBy(r => r.Percentile).ThenBy(r => r.Value), rows);
        Assert.Equal(1.0, rows[^1].Percentile);
        Assert.Equal(histogram.TotalCount, rows[^1].Count);
        Assert.Equal(histogram.HighestEquivalentValue(histogram.GetMaxValue()), rows[^1].Value);
        (double Value, double Percentile, long Count) median = rows.First(r => r.Percentile >= 0.5);
        Assert.Equal(histogram.GetValueAtPercentile(50), median.Value);

        Match meanLine = Regex.Match(text.ToString(), @"#\[Mean\s*=\s*([0-9.]+), StdDeviation\s*=\s*([0-9.]+)\]");
        Match maxLine = Regex.Match(text.ToString(), @"#\[Max\s*=\s*([0-9.]+), Total count\s*=\s*(\d+)\]");
        Assert.True(meanLine.Success && maxLine.Success, text.ToString());
        Assert.Equal(histogram.GetMean(), double.Parse(meanLine.Groups[1].Value, CultureInfo.InvariantCulture), 2);
        Assert.Equal(histogram.GetStdDeviation(), double.Parse(meanLine.Groups[2].Value, CultureInfo.InvariantCulture), 2);
        Assert.Equal(histogram.GetMaxValue(), double.Parse(maxLine.Groups[1].Value, CultureInfo.InvariantCulture), 2);
        Assert.Equal(histogram.TotalCount, long.Parse(maxLine.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void LoadResult_Serialized_HasExactlyTheSchemaFieldsInOrder()
    {
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(SampleLoad(open: true), RunResultWriter.JsonOptions));
        JsonElement root = json.RootElement;

        Assert.Equal(
            ["name", "kind", "mode", "durability", "targetRate", "pacing", "connections", "window", "batch", "durationSeconds", "commands", "acks", "rejected", "errors", "throughput", "failed", "failure", "hgrm", "latencyUs", "serviceUs", "machineCpu", "timeline", "subscribers"],
            root.EnumerateObject().Select(p => p.Name));
        JsonElement cpu = root.GetProperty("machineCpu");
        Assert.Equal(["busyPercent", "idlePercent", "stealPercent", "cpus"], cpu.EnumerateObject().Select(p => p.Name));
        Assert.Equal(61.2, cpu.GetProperty("busyPercent").GetDouble());
        Assert.Equal(31.0, cpu.GetProperty("idlePercent").GetDouble());
        Assert.Equal(7.8, cpu.GetProperty("stealPercent").GetDouble());
        Assert.Equal(2, cpu.GetProperty("cpus").GetInt32());
        JsonElement timeline = root.GetProperty("timeline");
        Assert.Equal(100, timeline.GetProperty("intervalMs").GetInt32());
        Assert.Equal(["startSeconds", "count", "meanUs", "maxUs"], timeline.GetProperty("intervals")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, timeline.GetProperty("intervals").GetArrayLength());
        Assert.Equal(2_000, timeline.GetProperty("intervals")[0].GetProperty("maxUs").GetInt64());
        Assert.Equal(["p50", "p90", "p99", "p99_9", "p99_99", "max", "mean", "count"], root.GetProperty("latencyUs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["p50", "p90", "p99", "p99_9", "p99_99", "max", "mean", "count"], root.GetProperty("serviceUs").EnumerateObject().Select(p => p.Name));
        Assert.Equal("load", root.GetProperty("kind").GetString());
        Assert.Equal("open", root.GetProperty("mode").GetString());
        Assert.Equal(50_000, root.GetProperty("targetRate").GetDouble());
        Assert.Equal("spread", root.GetProperty("pacing").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("window").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("batch").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("failure").ValueKind);
        Assert.False(root.GetProperty("failed").GetBoolean());
        Assert.Equal("run-1.hgrm", root.GetProperty("hgrm").GetString());
        Assert.Equal(10_001, root.GetProperty("latencyUs").GetProperty("count").GetInt64());
    }

    [Fact]
    public void LoadResult_ClosedLoopWithErrorsAndNoMachineCpu_HasNullRatePacingServiceAndMachineCpuAndIsFailed()
    {
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(SampleLoad(open: false, errors: 3), RunResultWriter.JsonOptions));
        JsonElement root = json.RootElement;

        Assert.Equal("closed", root.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("targetRate").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("pacing").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("serviceUs").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("machineCpu").ValueKind);
        Assert.Equal(1024, root.GetProperty("window").GetInt32());
        Assert.Equal(64, root.GetProperty("batch").GetInt32());
        Assert.Equal(3, root.GetProperty("errors").GetInt64());
        Assert.True(root.GetProperty("failed").GetBoolean());
        Assert.Equal("boom", root.GetProperty("failure").GetString());
    }

    [Fact]
    public void RecoveryResult_Serialized_HasExactlyTheSchemaFieldsInOrder()
    {
        var result = new RecoveryResult("recovery-1M", 1_000_000, true, 123_456_789, 1.25, 50_000, 400_000.5, false, null);

        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(result, RunResultWriter.JsonOptions));

        Assert.Equal(
            ["name", "kind", "events", "snapshot", "journalBytes", "restartSeconds", "replayedEvents", "replayEventsPerSecond", "failed", "failure"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("recovery", json.RootElement.GetProperty("kind").GetString());
        Assert.True(json.RootElement.GetProperty("snapshot").GetBoolean());
    }

    [Fact]
    public void WriteLoad_IntoAFolder_WritesNameDotJsonAndNameDotHgrm()
    {
        string directory = Path.Combine(Path.GetTempPath(), "loadgen-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            (string json, string hgrm) = RunResultWriter.WriteLoad(directory, SampleLoad(open: true), SampleHistogram());

            Assert.Equal(Path.Combine(directory, "run-1.json"), json);
            Assert.Equal(Path.Combine(directory, "run-1.hgrm"), hgrm);
            Assert.Contains("Total count", File.ReadAllText(hgrm), StringComparison.Ordinal);
            using JsonDocument parsed = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal("run-1", parsed.RootElement.GetProperty("name").GetString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static SubscribersReport SampleSubscribers() => new(
        100,
        "end",
        1024,
        4_000_000,
        400_000,
        1_234_567,
        42,
        99,
        1_300_000,
        100,
        0.25,
        17,
        0,
        0,
        null,
        "closed-Batch-subs100.subscribe.hgrm",
        LatencySummary.From(SampleHistogram()),
        LatencySummary.From(SampleHistogram()),
        [new SubscriberLine(0, 4_100, 4_000, 1_234_525, 42, true)]);

    [Fact]
    public void LoadResult_WithSubscribers_HasTheSubscriberFieldsThatPerfReportReads()
    {
        LoadResult result = SampleLoad(open: false) with { Subscribers = SampleSubscribers() };

        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(result, RunResultWriter.JsonOptions));

        JsonElement subscribers = json.RootElement.GetProperty("subscribers");
        Assert.Equal(
            ["count", "from", "credits", "eventsReceived", "eventsPerSecond", "headAtEnd", "maxLagAtEnd", "caughtUp", "finalHead", "settled", "settleSeconds", "beforeAck", "untimed", "failed", "failure", "hgrm", "durableToReceivedUs", "sentToReceivedUs", "perSubscriber", "sentHgrm"],
            subscribers.EnumerateObject().Select(p => p.Name));
        Assert.Equal(100, subscribers.GetProperty("count").GetInt32());
        Assert.Equal(42, subscribers.GetProperty("maxLagAtEnd").GetInt64());
        Assert.Equal(["p50", "p90", "p99", "p99_9", "p99_99", "max", "mean", "count"], subscribers.GetProperty("durableToReceivedUs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["index", "received", "measuredReceived", "lastPosition", "lagAtEnd", "caughtUp"], subscribers.GetProperty("perSubscriber")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(JsonSerializer.Serialize(SampleLoad(open: false), RunResultWriter.JsonOptions)).RootElement.GetProperty("subscribers").ValueKind);
    }

    [Fact]
    public void WriteSubscribeHgrm_IntoAFolder_WritesNameDotSubscribeDotHgrm()
    {
        string directory = Path.Combine(Path.GetTempPath(), "loadgen-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            string hgrm = RunResultWriter.WriteSubscribeHgrm(directory, SampleSubscribers(), SampleHistogram());

            Assert.Equal(Path.Combine(directory, "closed-Batch-subs100.subscribe.hgrm"), hgrm);
            Assert.Contains("Total count", File.ReadAllText(hgrm), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void CatchupResult_Serialized_HasExactlyTheSchemaFieldsInOrder()
    {
        var read = new CatchupRead(2.0, 2_600_000, 360_000_000, 1_300_000, 180_000_000);
        var result = new CatchupResult("catchup-2M", 2_000_000, "Batch", 3.5, 2_600_000, 8192, 3, 1_300_000, 180_000_000, [read, read, read], 900_000, 120_000_000, [read], false, null);

        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(result, RunResultWriter.JsonOptions));

        Assert.Equal(
            ["name", "kind", "commands", "durability", "fillSeconds", "storeEvents", "credits", "repeat", "eventsPerSecond", "bytesPerSecond", "reads", "fetchEventsPerSecond", "fetchBytesPerSecond", "fetchReads", "failed", "failure", "streamRead"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("catchup", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(["seconds", "events", "bytes", "eventsPerSecond", "bytesPerSecond"], json.RootElement.GetProperty("reads")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, json.RootElement.GetProperty("reads").GetArrayLength());
    }

    [Theory]
    [InlineData(new double[] { 3 }, 3)]
    [InlineData(new double[] { 5, 1, 3 }, 3)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    [InlineData(new double[0], 0)]
    public void Median_OddEvenAndNone_IsTheMiddle(double[] values, double expected)
    {
        Assert.Equal(expected, CatchupRun.Median(values));
    }

    [Fact]
    public void LatencySummary_EmptyHistogram_IsAllZero()
    {
        LatencySummary summary = LatencySummary.From(new LongHistogram(1000, 3));

        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0), summary);
    }
}
