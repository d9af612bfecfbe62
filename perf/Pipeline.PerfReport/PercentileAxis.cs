using System;
using System.Globalization;

namespace Pipeline.PerfReport;

/// <summary>
/// The percentile axis of HdrHistogram's plotter: a percentile p is placed at 1/(1-p/100) on a log scale, so
/// 90%, 99%, 99.9%, ... are equally spaced ("nines"). <see cref="ToAxis"/> gives log10 of that: the number of nines.
/// </summary>
internal static class PercentileAxis
{
    /// <summary>1/(1-p/100): 1 at 0%, 10 at 90%, 100 at 99%; +infinity at 100%.</summary>
    public static double InverseTail(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100.0);
        return percentile >= 100 ? double.PositiveInfinity : 1 / (1 - (percentile / 100));
    }

    /// <summary>log10 of <see cref="InverseTail"/>: 0 at 0%, 1 at 90%, 2 at 99%, 3 at 99.9%.</summary>
    public static double ToAxis(double percentile) => Math.Log10(InverseTail(percentile));

    /// <summary>The percentile at <paramref name="nines"/> on the axis: 0 -> 0, 1 -> 90, 2 -> 99, 3 -> 99.9.</summary>
    public static double FromAxis(double nines) => 100 * (1 - Math.Pow(10, -nines));

    /// <summary>The tick label at a whole number of nines: "0%", "90%", "99%", "99.9%", "99.99%", ...</summary>
    public static string Label(int nines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nines);
        return nines switch
        {
            0 => "0%",
            1 => "90%",
            2 => "99%",
            _ => string.Create(CultureInfo.InvariantCulture, $"99.{new string('9', nines - 2)}%"),
        };
    }
}
