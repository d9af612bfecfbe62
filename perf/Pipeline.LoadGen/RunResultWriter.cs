using System;
using System.IO;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace Pipeline.LoadGen;

/// <summary>Writes a run's files: <c>&lt;name&gt;.json</c> and, for a load run, <c>&lt;name&gt;.hgrm</c>.</summary>
internal static class RunResultWriter
{
    /// <summary>The result JSON's settings: camelCase, indented, nulls written.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };

    /// <summary>Writes the histogram in HdrHistogram's percentile-distribution text, values in µs (scaling ratio 1.0).</summary>
    public static void WriteHgrm(TextWriter writer, HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.OutputPercentileDistribution(writer, percentileTicksPerHalfDistance: 5, outputValueUnitScalingRatio: 1.0, useCsvFormat: false);
    }

    /// <summary>Writes <c>&lt;name&gt;.hgrm</c> and <c>&lt;name&gt;.json</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Json, string Hgrm) WriteLoad(string directory, LoadResult result, HistogramBase latency)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        string hgrm = Path.Combine(directory, result.Hgrm);
        using (var writer = new StreamWriter(hgrm, append: false, new UTF8Encoding(false)))
        {
            WriteHgrm(writer, latency);
        }

        string json = Path.Combine(directory, result.Name + ".json");
        File.WriteAllText(json, JsonSerializer.Serialize(result, JsonOptions) + "\n");
        return (json, hgrm);
    }

    /// <summary>Writes the subscribers' durable -> received histogram (<see cref="SubscribersReport.Hgrm"/>) into <paramref name="directory"/>; returns its path.</summary>
    public static string WriteSubscribeHgrm(string directory, SubscribersReport report, HistogramBase delivery)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        string hgrm = Path.Combine(directory, report.Hgrm);
        using var writer = new StreamWriter(hgrm, append: false, new UTF8Encoding(false));
        WriteHgrm(writer, delivery);
        return hgrm;
    }

    /// <summary>Writes <paramref name="histogram"/> as <paramref name="fileName"/> into <paramref name="directory"/>; returns its path.</summary>
    public static string WriteHgrmFile(string directory, string fileName, HistogramBase histogram)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        WriteHgrm(writer, histogram);
        return path;
    }

    /// <summary>Writes <c>&lt;name&gt;.json</c> into <paramref name="directory"/>; returns its path.</summary>
    public static string WriteRecovery(string directory, RecoveryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteJson(directory, result.Name, result);
    }

    /// <summary>Writes <c>&lt;name&gt;.json</c> into <paramref name="directory"/>; returns its path.</summary>
    public static string WriteCatchup(string directory, CatchupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteJson(directory, result.Name, result);
    }

    private static string WriteJson<T>(string directory, string name, T result)
    {
        Directory.CreateDirectory(directory);
        string json = Path.Combine(directory, name + ".json");
        File.WriteAllText(json, JsonSerializer.Serialize(result, JsonOptions) + "\n");
        return json;
    }
}
