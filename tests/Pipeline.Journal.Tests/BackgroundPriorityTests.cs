using System;
using System.IO;
using System.Threading;
using Pipeline.Journal.Internal;
using Xunit;

namespace Pipeline.Journal.Tests;

public sealed class BackgroundPriorityTests
{
    // Field 19 of /proc/thread-self/stat (after the parenthesised name) is the thread's niceness.
    private static int CurrentThreadNiceness()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void LowerCurrentThread_OnLinux_SetsOnlyThatThreadsNiceness()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // a no-op elsewhere by design
        }

        int before = CurrentThreadNiceness();
        int after = int.MinValue;
        var thread = new Thread(() =>
        {
            BackgroundPriority.LowerCurrentThread();
            after = CurrentThreadNiceness();
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(5)));

        // At least 10: a test run that is itself niced above 10 cannot (without privilege) come back down to 10.
        Assert.True(after >= BackgroundPriority.Niceness, $"niceness {after} after lowering (was {before})");
        Assert.Equal(before, CurrentThreadNiceness()); // the calling thread is untouched
    }
}
