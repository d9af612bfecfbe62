using System;
using System.Collections.Generic;

namespace Pipeline.Streams.Tests;

/// <summary>Random event streams: mostly advancing time with out-of-order jitter, idle gaps, ticks and a few keys.</summary>
internal static class RandomStreams
{
    public static List<StreamInput> Generate(Random random, int count, long unit)
    {
        var inputs = new List<StreamInput>(count);
        long time = random.Next(2) == 0 ? random.Next(-50, 50) * unit : random.Next(0, 1000);
        int keys = random.Next(1, 6);
        for (int i = 0; i < count; i++)
        {
            int roll = random.Next(100);
            if (roll < 3)
            {
                // An idle period, sometimes much longer than any window.
                time += random.Next(1, 40) * unit;
            }

            if (roll >= 3 && roll < 8)
            {
                inputs.Add(StreamInput.Tick(time + random.Next(0, (int)unit)));
                continue;
            }

            time += random.Next(0, (int)unit / 2 + 1);
            long jitter = random.Next(0, 3) == 0 ? random.Next(0, (int)(3 * unit)) : 0;
            inputs.Add(StreamInput.Event(time - jitter, random.Next(keys), random.Next(0, 10)));
        }

        return inputs;
    }
}
