using System.Collections.Generic;

namespace Pipeline.PerfReport;

/// <summary>One curve of a latency plot.</summary>
/// <param name="Color">Index into the plot's palette; null: the next colour in order.</param>
/// <param name="Pattern">0 solid, 1 dashed, 2 dotted, 3 densely dashed (then round again).</param>
internal readonly record struct PlotLine(string Name, IReadOnlyList<HgrmPoint> Points, int? Color = null, int Pattern = 0);
