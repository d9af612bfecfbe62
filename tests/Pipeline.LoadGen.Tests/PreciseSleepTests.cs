using System;
using System.Diagnostics;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class PreciseSleepTests
{
    [Fact]
    public void Until_ATimeSoon_BlocksInsteadOfReturningAtOnce()
    {
        TimeProvider time = TimeProvider.System;
        long until = time.GetTimestamp() + (2 * time.TimestampFrequency / 1000); // 2 ms
        int calls = 0;

        // A busy loop would take thousands of calls; a signal may end a sleep early, so a few are allowed.
        while (time.GetTimestamp() < until && calls < 1_000)
        {
            PreciseSleep.Until(time, until);
            calls++;
        }

        Assert.InRange(calls, 1, 10);
    }

    [Fact]
    public void Until_ATimePassed_ReturnsAtOnce()
    {
        TimeProvider time = TimeProvider.System;
        var watch = Stopwatch.StartNew();

        PreciseSleep.Until(time, time.GetTimestamp() - time.TimestampFrequency);

        Assert.True(watch.Elapsed < TestTimeouts.Default, $"took {watch.Elapsed}");
    }
}
