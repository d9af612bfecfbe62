using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Pipeline.PerfReport;

/// <summary>
/// Reads BenchmarkDotNet's reports from a results folder: <c>*-report-full.json</c> where BDN wrote one (exact
/// numbers), otherwise <c>*-report.csv</c> (BDN's default exporter; cells carry their units, "12.3 ms", "1.2 KB").
/// </summary>
internal static class BenchmarkReader
{
    // Job characteristics BDN writes as columns between Job and the parameters.
    private static readonly HashSet<string> s_jobColumns = new(StringComparer.Ordinal)
    {
        "Job", "AnalyzeLaunchVariance", "EvaluateOverhead", "MaxAbsoluteError", "MaxRelativeError", "MinInvokeCount",
        "MinIterationTime", "OutlierMode", "Affinity", "EnvironmentVariables", "Jit", "LargeAddressAware", "Platform",
        "PowerPlanMode", "Runtime", "AllowVeryLargeObjects", "Concurrent", "CpuGroups", "Force", "HeapAffinitizeMask",
        "HeapCount", "NoAffinitize", "RetainVm", "Server", "Arguments", "BuildConfiguration", "Clock", "EngineFactory",
        "NuGetReferences", "Toolchain", "IsMutator", "InvocationCount", "IterationCount", "IterationTime", "LaunchCount",
        "MaxIterationCount", "MaxWarmupIterationCount", "MemoryRandomization", "MinIterationCount",
        "MinWarmupIterationCount", "RunStrategy", "UnrollFactor", "WarmupCount", "Categories", "Baseline",
    };

    /// <summary>All benchmarks reported in <paramref name="resultsDirectory"/>, sorted by type, method, parameters.</summary>
    public static List<BenchmarkResult> ReadDirectory(string resultsDirectory)
    {
        var results = new List<BenchmarkResult>();
        if (!Directory.Exists(resultsDirectory))
        {
            return results;
        }

        var typesFromJson = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in Directory.GetFiles(resultsDirectory, "*-report-full.json"))
        {
            typesFromJson.Add(ReportPrefix(path, "-report-full.json"));
            results.AddRange(ReadFullJson(File.ReadAllText(path)));
        }

        foreach (string path in Directory.GetFiles(resultsDirectory, "*-report.csv"))
        {
            string prefix = ReportPrefix(path, "-report.csv");
            if (!typesFromJson.Contains(prefix))
            {
                results.AddRange(ReadCsv(File.ReadAllText(path), ShortTypeName(prefix)));
            }
        }

        results.Sort((a, b) => string.CompareOrdinal(a.DisplayName, b.DisplayName));
        return results;
    }

    public static List<BenchmarkResult> ReadFullJson(string json)
    {
        var results = new List<BenchmarkResult>();
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("Benchmarks", out JsonElement benchmarks))
        {
            return results;
        }

        foreach (JsonElement b in benchmarks.EnumerateArray())
        {
            double? meanNs = Number(b, "Statistics", "Mean");
            double? allocated = Number(b, "Memory", "BytesAllocatedPerOperation");
            results.Add(new BenchmarkResult
            {
                Type = Text(b, "Type"),
                Method = Text(b, "Method"),
                Parameters = Text(b, "Parameters").Replace("&", ", ", StringComparison.Ordinal),
                MeanNs = meanNs,
                Mean = meanNs is null ? "-" : FormatTime(meanNs.Value),
                AllocatedBytes = allocated,
                Allocated = allocated is null ? "-" : FormatBytes(allocated.Value),
            });
        }

        return results;
    }

    public static List<BenchmarkResult> ReadCsv(string csv, string type)
    {
        var results = new List<BenchmarkResult>();
        List<List<string>> rows = ParseCsv(csv);
        if (rows.Count < 2)
        {
            return results;
        }

        List<string> header = rows[0];
        int method = header.IndexOf("Method");
        int mean = header.IndexOf("Mean");
        int allocated = header.IndexOf("Allocated");
        if (method < 0 || mean < 0)
        {
            return results;
        }

        // A [Params] column is named after a C# member; custom columns ("Events/s") and job characteristics are not parameters.
        var parameterColumns = new List<int>();
        for (int i = method + 1; i < mean; i++)
        {
            if (!s_jobColumns.Contains(header[i]) && IsIdentifier(header[i]))
            {
                parameterColumns.Add(i);
            }
        }

        for (int r = 1; r < rows.Count; r++)
        {
            List<string> row = rows[r];
            if (row.Count <= mean)
            {
                continue;
            }

            var parameters = new List<string>();
            foreach (int i in parameterColumns)
            {
                parameters.Add(header[i] + "=" + row[i]);
            }

            string meanText = row[mean];
            string allocatedText = allocated >= 0 && allocated < row.Count ? row[allocated] : "-";
            results.Add(new BenchmarkResult
            {
                Type = type,
                Method = row[method],
                Parameters = string.Join(", ", parameters),
                Mean = meanText,
                MeanNs = ParseTimeNs(meanText),
                Allocated = allocatedText,
                AllocatedBytes = ParseBytes(allocatedText),
            });
        }

        return results;
    }

    /// <summary>"1,234.5 ns", "12.3 μs", "4 ms", "1.2 s" -> nanoseconds; null for "NA", "-" or an unknown unit.</summary>
    public static double? ParseTimeNs(string text) => ParseWithUnit(text, unit => unit switch
    {
        "ns" => 1,
        "us" or "μs" or "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => null,
    });

    /// <summary>"0 B", "1.2 KB", "3 MB" -> bytes (BDN's KB is 1024 bytes); null for "-" or "NA".</summary>
    public static double? ParseBytes(string text) => ParseWithUnit(text, unit => unit switch
    {
        "B" => 1,
        "KB" => 1024,
        "MB" => 1024 * 1024,
        "GB" => 1024.0 * 1024 * 1024,
        _ => null,
    });

    public static string FormatTime(double ns) => ns switch
    {
        < 1e3 => Invariant($"{ns:F2} ns"),
        < 1e6 => Invariant($"{ns / 1e3:F2} μs"),
        < 1e9 => Invariant($"{ns / 1e6:F2} ms"),
        _ => Invariant($"{ns / 1e9:F3} s"),
    };

    public static string FormatBytes(double bytes) => bytes switch
    {
        < 1024 => Invariant($"{bytes:F0} B"),
        < 1024 * 1024 => Invariant($"{bytes / 1024:F2} KB"),
        _ => Invariant($"{bytes / (1024 * 1024):F2} MB"),
    };

    private static double? ParseWithUnit(string text, Func<string, double?> scale)
    {
        string[] parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out double value))
        {
            return null;
        }

        double? factor = scale(parts[1]);
        return factor is null ? null : value * factor.Value;
    }

    // BDN names its reports "<Namespace>.<Type>-report.csv".
    private static string ReportPrefix(string path, string suffix)
    {
        string name = Path.GetFileName(path);
        return name[..^suffix.Length];
    }

    private static string ShortTypeName(string fullName)
    {
        int dot = fullName.LastIndexOf('.');
        return dot < 0 ? fullName : fullName[(dot + 1)..];
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static double? Number(JsonElement element, string outer, string inner) =>
        element.TryGetProperty(outer, out JsonElement o) && o.ValueKind == JsonValueKind.Object
            && o.TryGetProperty(inner, out JsonElement i) && i.ValueKind == JsonValueKind.Number
            ? i.GetDouble()
            : null;

    // RFC 4180: fields separated by commas, optionally quoted; "" inside quotes is one quote.
    private static List<List<string>> ParseCsv(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < csv.Length; i++)
        {
            char c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        return rows;
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
