using System;
using System.Collections.Generic;
using System.Linq;

namespace Pipeline.Streams.Tests;

/// <summary>The brute-force reference: decides lateness from the definition, then recomputes each window from the raw events.</summary>
internal static class WindowReference
{
    public static (List<WindowResult<long, double>> Results, List<long> LateTimes) Run(
        IReadOnlyList<StreamInput> inputs, long size, long slide, long lateness, Func<IReadOnlyList<long>, double> aggregate)
    {
        long? maxSeen = null;
        var accepted = new List<StreamInput>();
        var late = new List<long>();
        foreach (StreamInput input in inputs)
        {
            maxSeen = maxSeen is null ? input.Time : Math.Max(maxSeen.Value, input.Time);
            long watermark = maxSeen.Value - lateness;
            if (input.IsTick)
            {
                continue;
            }

            // Late when any window holding the event has already ended at or before the watermark.
            if (StartsOf(input.Time, size, slide).Any(start => start + size <= watermark))
            {
                late.Add(input.Time);
            }
            else
            {
                accepted.Add(input);
            }
        }

        var results = new List<WindowResult<long, double>>();
        if (maxSeen is null)
        {
            return (results, late);
        }

        long finalWatermark = maxSeen.Value - lateness;
        var windowStarts = accepted.SelectMany(e => StartsOf(e.Time, size, slide)).Distinct().OrderBy(s => s);
        foreach (long start in windowStarts)
        {
            long end = start + size;
            if (end > finalWatermark)
            {
                continue;
            }

            var inWindow = accepted.Where(e => e.Time >= start && e.Time < end).ToList();
            foreach (long key in inWindow.Select(e => e.Key).Distinct())
            {
                var values = inWindow.Where(e => e.Key == key).Select(e => e.Value).ToList();
                results.Add(new WindowResult<long, double>(key, start, end, aggregate(values)));
            }
        }

        return (results, late);
    }

    /// <summary>Every window start (a whole multiple of the slide) whose window holds <paramref name="time"/>, found by walking.</summary>
    public static IEnumerable<long> StartsOf(long time, long size, long slide)
    {
        long start = time / slide * slide;
        while (start > time)
        {
            start -= slide;
        }

        while (start + slide <= time)
        {
            start += slide;
        }

        for (; start + size > time; start -= slide)
        {
            yield return start;
        }
    }
}
