using System;
using System.Collections.Generic;
using System.Linq;

namespace Pipeline.Streams.Tests;

/// <summary>
/// The brute-force reference of <see cref="LatePolicy.Correct"/>, input by input: a window is emitted once the highest
/// time seen reaches its end; an event whose windows are all still kept (end after highest time - lateness) is added,
/// and every already emitted window holding it is recomputed from the raw events and emitted again for its key.
/// </summary>
internal static class CorrectingReference
{
    public static (List<WindowResult<long, double>> Results, List<long> LateTimes) Run(
        IReadOnlyList<StreamInput> inputs, long size, long slide, long lateness)
    {
        var results = new List<WindowResult<long, double>>();
        var late = new List<long>();
        var accepted = new List<StreamInput>();
        var emittedWindows = new HashSet<long>();
        var revisions = new Dictionary<(long Start, long Key), int>();
        long? maxSeen = null;

        foreach (StreamInput input in inputs)
        {
            maxSeen = maxSeen is null ? input.Time : Math.Max(maxSeen.Value, input.Time);
            long emitted = maxSeen.Value;
            long kept = maxSeen.Value - lateness;
            var closing = accepted.SelectMany(e => WindowReference.StartsOf(e.Time, size, slide))
                .Where(s => s + size <= emitted && !emittedWindows.Contains(s)).Distinct().OrderBy(s => s).ToList();
            foreach (long start in closing)
            {
                emittedWindows.Add(start);
                var inWindow = accepted.Where(e => e.Time >= start && e.Time < start + size).ToList();
                foreach (long key in inWindow.Select(e => e.Key).Distinct())
                {
                    results.Add(Result(inWindow, key, start, size, revisions));
                }
            }

            if (input.IsTick)
            {
                continue;
            }

            var starts = WindowReference.StartsOf(input.Time, size, slide).OrderBy(s => s).ToList();
            if (starts.Any(s => s + size <= kept))
            {
                late.Add(input.Time);
                continue;
            }

            accepted.Add(input);
            foreach (long start in starts.Where(s => s + size <= emitted))
            {
                // A window that closed while it was empty is closed all the same: this is its first result.
                emittedWindows.Add(start);
                var inWindow = accepted.Where(e => e.Time >= start && e.Time < start + size).ToList();
                results.Add(Result(inWindow, input.Key, start, size, revisions));
            }
        }

        return (results, late);
    }

    private static WindowResult<long, double> Result(
        List<StreamInput> inWindow, long key, long start, long size, Dictionary<(long Start, long Key), int> revisions)
    {
        double sum = inWindow.Where(e => e.Key == key).Sum(e => e.Value);
        revisions.TryGetValue((start, key), out int revision);
        revisions[(start, key)] = revision + 1;
        return new WindowResult<long, double>(key, start, start + size, sum, revision);
    }
}
