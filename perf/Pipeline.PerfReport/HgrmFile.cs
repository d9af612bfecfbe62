using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Pipeline.PerfReport;

/// <summary>
/// Reads HdrHistogram's OutputPercentileDistribution text (.hgrm): a "Value Percentile TotalCount 1/(1-Percentile)"
/// header, one line per percentile step (the percentile as a fraction 0-1), and #[Mean = ..], #[Max = ..] footers.
/// The CSV form of the same table (comma separated) is read as well.
/// </summary>
internal sealed class HgrmFile
{
    private HgrmFile(List<HgrmPoint> points, double? mean, double? max, long? totalCount)
    {
        Points = points;
        Mean = mean;
        Max = max;
        TotalCount = totalCount;
    }

    /// <summary>The percentile lines in file order (ascending percentile), percentile in percent.</summary>
    public IReadOnlyList<HgrmPoint> Points { get; }

    public double? Mean { get; }

    public double? Max { get; }

    public long? TotalCount { get; }

    public static HgrmFile Load(string path) => Parse(File.ReadAllText(path));

    /// <exception cref="FormatException">A line is neither a header, a footer nor four numbers.</exception>
    public static HgrmFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var points = new List<HgrmPoint>();
        double? mean = null;
        double? max = null;
        long? totalCount = null;
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("Value", StringComparison.OrdinalIgnoreCase) || line.StartsWith("\"Value", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                mean ??= FooterValue(line, "Mean");
                max ??= FooterValue(line, "Max");
                double? count = FooterValue(line, "Total count");
                totalCount ??= count is null ? null : (long)count.Value;
                continue;
            }

            string[] columns = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 3
                || !TryNumber(columns[0], out double value)
                || !TryNumber(columns[1], out double fraction)
                || !TryNumber(columns[2], out double total))
            {
                throw new FormatException($"hgrm line {lineNumber} is not 'Value Percentile TotalCount 1/(1-Percentile)': {line}");
            }

            points.Add(new HgrmPoint(value, fraction * 100, (long)total));
        }

        return new HgrmFile(points, mean, max, totalCount);
    }

    // "#[Mean    =       12.345, StdDeviation   =        1.234]": the number after "<name> =" up to ',' or ']'.
    private static double? FooterValue(string line, string name)
    {
        int at = line.IndexOf(name, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        int equals = line.IndexOf('=', at + name.Length);
        if (equals < 0)
        {
            return null;
        }

        int end = line.IndexOfAny([',', ']'], equals);
        string number = (end < 0 ? line[(equals + 1)..] : line[(equals + 1)..end]).Trim();
        return TryNumber(number, out double result) ? result : null;
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
