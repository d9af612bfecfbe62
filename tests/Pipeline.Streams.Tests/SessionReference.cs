using System;
using System.Collections.Generic;
using System.Linq;

namespace Pipeline.Streams.Tests;

/// <summary>The brute-force reference of session windows: lateness from the definition, then each key's accepted
/// events sorted by time and cut wherever two consecutive events are gap or more apart.</summary>
internal static class SessionReference
{
    public static (List<WindowResult<long, double>> Results, List<long> LateTimes) Run(
        IReadOnlyList<StreamInput> inputs, long gap, long lateness)
    {
        long? maxSeen = null;
        var accepted = new List<(StreamInput Input, int Arrival)>();
        var late = new List<long>();
        foreach (StreamInput input in inputs)
        {
            maxSeen = maxSeen is null ? input.Time : Math.Max(maxSeen.Value, input.Time);
            if (input.IsTick)
            {
                continue;
            }

            if (input.Time < maxSeen.Value - lateness)
            {
                late.Add(input.Time);
            }
            else
            {
                accepted.Add((input, accepted.Count));
            }
        }

        var sessions = new List<(long Key, long Start, long End, double Sum, int FirstArrival)>();
        foreach (var byKey in accepted.GroupBy(a => a.Input.Key))
        {
            var events = byKey.OrderBy(a => a.Input.Time).ToList();
            int first = 0;
            for (int i = 1; i <= events.Count; i++)
            {
                if (i == events.Count || events[i].Input.Time >= events[i - 1].Input.Time + gap)
                {
                    var run = events.GetRange(first, i - first);
                    sessions.Add((byKey.Key, run[0].Input.Time, run[^1].Input.Time + gap, run.Sum(a => a.Input.Value), run.Min(a => a.Arrival)));
                    first = i;
                }
            }
        }

        var results = new List<WindowResult<long, double>>();
        if (maxSeen is null)
        {
            return (results, late);
        }

        foreach (var session in sessions.Where(s => s.End <= maxSeen.Value - lateness).OrderBy(s => s.End).ThenBy(s => s.FirstArrival))
        {
            results.Add(new WindowResult<long, double>(session.Key, session.Start, session.End, session.Sum));
        }

        return (results, late);
    }
}
