using System;
using System.Collections.Generic;
using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Pipeline.PerfReport;

/// <summary>
/// latency.png: one line per load run, latency (µs, log scale) against the percentile on HdrHistogram's axis
/// (<see cref="PercentileAxis"/>: 90%, 99%, 99.9%, ... equally spaced). Rendered by ScottPlot/SkiaSharp, headless.
/// </summary>
internal static class LatencyPlot
{
    public const int Width = 1100;
    public const int Height = 650;

    /// <summary>Up to this many curves the legend sits inside the chart's upper-left corner.</summary>
    public const int LegendInsideLimit = 8;

    /// <summary>Writes the plot; returns false (writing nothing) when no series has a plottable point.</summary>
    public static bool Write(string path, string title, IReadOnlyList<(string Name, IReadOnlyList<HgrmPoint> Points)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var lines = new List<PlotLine>(series.Count);
        foreach ((string name, IReadOnlyList<HgrmPoint> points) in series)
        {
            lines.Add(new PlotLine(name, points));
        }

        return Write(path, title, lines);
    }

    /// <summary>
    /// Writes the plot with each line's own colour and pattern (the peers plots: colour by system, pattern by rate);
    /// returns false (writing nothing) when no line has a plottable point.
    /// </summary>
    public static bool Write(string path, string title, IReadOnlyList<PlotLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        using var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double maxNines = 1;
        double minLog = double.MaxValue;
        double maxLog = double.MinValue;
        int plotted = 0;
        foreach ((string name, IReadOnlyList<HgrmPoint> points, int? color, int pattern) in lines)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            foreach (HgrmPoint p in points)
            {
                // The 100% line sits at infinity on this axis, and a log axis has no place for 0 µs.
                if (p.Percentile >= 100 || p.Value <= 0)
                {
                    continue;
                }

                double x = PercentileAxis.ToAxis(p.Percentile);
                double y = Math.Log10(p.Value);
                xs.Add(x);
                ys.Add(y);
                maxNines = Math.Max(maxNines, x);
                minLog = Math.Min(minLog, y);
                maxLog = Math.Max(maxLog, y);
            }

            if (xs.Count == 0)
            {
                continue;
            }

            var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
            line.LegendText = name;
            line.LineWidth = 2;
            if (color is { } c)
            {
                line.Color = palette.GetColor(c);
            }

            line.LinePattern = (pattern % 4) switch
            {
                1 => LinePattern.Dashed,
                2 => LinePattern.Dotted,
                3 => LinePattern.DenselyDashed,
                _ => LinePattern.Solid,
            };
            plotted++;
        }

        if (plotted == 0)
        {
            return false;
        }

        // 99.999% is 5.0000000001 nines in floating point: it must not open a sixth, empty decade.
        int lastNines = (int)Math.Ceiling(maxNines - 1e-6);
        plot.Axes.Bottom.TickGenerator = PercentileTicks(lastNines);
        int lowDecade = (int)Math.Floor(minLog);
        int highDecade = (int)Math.Ceiling(maxLog);
        if (highDecade == lowDecade)
        {
            highDecade++;
        }

        plot.Axes.Left.TickGenerator = LogTicks(lowDecade, highDecade);
        // A little room right of the last tick so that its label is not cut off at the edge.
        plot.Axes.SetLimits(0, lastNines + 0.2, lowDecade, highDecade);
        plot.Title(title);
        plot.XLabel("percentile (log scale of 1/(1-percentile))");
        plot.YLabel("latency (µs, log scale)");
        if (plotted > LegendInsideLimit)
        {
            // A legend this long would hide the low curves in the corner: it goes beside the chart instead.
            plot.ShowLegend(Edge.Right);
        }
        else
        {
            plot.ShowLegend(Alignment.UpperLeft);
        }

        plot.SavePng(path, Width, Height);
        return true;
    }

    private static NumericManual PercentileTicks(int lastNines)
    {
        var ticks = new NumericManual();
        for (int nines = 0; nines <= lastNines; nines++)
        {
            ticks.AddMajor(nines, PercentileAxis.Label(nines));
            if (nines < lastNines)
            {
                // 50%, 75%, 95%, ...: the points halfway and three quarters of the way to the next nine.
                ticks.AddMinor(PercentileAxis.ToAxis(PercentileAxis.FromAxis(nines) + ((PercentileAxis.FromAxis(nines + 1) - PercentileAxis.FromAxis(nines)) / 2)));
            }
        }

        return ticks;
    }

    // 1, 2, 5, 10, 20, 50, ... µs as major ticks; 3, 4, 6, 7, 8, 9 as minor ones.
    private static NumericManual LogTicks(int lowDecade, int highDecade)
    {
        var ticks = new NumericManual();
        for (int decade = lowDecade; decade <= highDecade; decade++)
        {
            double unit = Math.Pow(10, decade);
            for (int m = 1; m <= 9; m++)
            {
                double value = m * unit;
                double position = Math.Log10(value);
                if (position > highDecade + 1e-9)
                {
                    break;
                }

                if (m is 1 or 2 or 5)
                {
                    ticks.AddMajor(position, value.ToString(value < 1 ? "0.###" : "#,0", CultureInfo.InvariantCulture));
                }
                else
                {
                    ticks.AddMinor(position);
                }
            }
        }

        return ticks;
    }
}
