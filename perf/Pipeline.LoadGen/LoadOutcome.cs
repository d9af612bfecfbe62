using System.Collections.Generic;

namespace Pipeline.LoadGen;

/// <summary>What a driven run leaves: its trackers (drained, or with the missing ACKs counted) and its measured commands.</summary>
/// <param name="Trackers">One per connection.</param>
/// <param name="Commands">Commands of the measured part.</param>
/// <param name="ServerExitCode">The server's exit code if it exited during the run.</param>
/// <param name="MachineCpu">The machine's CPU use during the measured part, or null where it could not be read.</param>
internal sealed record LoadOutcome(IReadOnlyList<ConnectionTracker> Trackers, long Commands, int? ServerExitCode, MachineCpuReport? MachineCpu = null)
{
    public long Acks => Sum(static t => t.Acks);

    public long Rejected => Sum(static t => t.Rejected);

    public long Errors => Sum(static t => t.Errors);

    /// <summary>The highest global sequence acknowledged on any connection.</summary>
    public long MaxSequence
    {
        get
        {
            long max = -1;
            foreach (ConnectionTracker tracker in Trackers)
            {
                max = System.Math.Max(max, tracker.MaxSequence);
            }

            return max;
        }
    }

    /// <summary>Why the run failed (errors or the server's exit), or null.</summary>
    public string? Failure
    {
        get
        {
            if (ServerExitCode is { } code)
            {
                return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the server exited with code {code} during the run");
            }

            if (Errors > 0)
            {
                string? first = null;
                foreach (ConnectionTracker tracker in Trackers)
                {
                    first ??= tracker.FirstFailure;
                }

                return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Errors} errors (first: {first})");
            }

            return null;
        }
    }

    private long Sum(System.Func<ConnectionTracker, long> value)
    {
        long sum = 0;
        foreach (ConnectionTracker tracker in Trackers)
        {
            sum += value(tracker);
        }

        return sum;
    }
}
