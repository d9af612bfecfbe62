using System;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Projections;

/// <summary>How a <see cref="ProjectionRunner"/> batches and when it stops.</summary>
public sealed class ProjectionRunnerOptions
{
    /// <summary>The most events applied in one database transaction (default 1,000). A transaction also ends when the feed has nothing more at hand.</summary>
    public int MaxBatchEvents { get; init; } = 1000;

    /// <summary>Return from <see cref="ProjectionRunner.RunAsync"/> once the feed says it caught up (and that is committed), instead of following live events.</summary>
    public bool StopWhenCaughtUp { get; init; }

    /// <summary>
    /// Called after each transaction commits, with the checkpoint it wrote: e.g. to tell the server (COMMIT), so that
    /// operators see the projection's lag. A failure here is logged by the caller's code, never undoes the commit.
    /// </summary>
    public Func<ulong, CancellationToken, ValueTask>? Committed { get; init; }

    internal void Validate()
    {
        if (MaxBatchEvents is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchEvents), MaxBatchEvents, "MaxBatchEvents must be from 1 to 1,000,000.");
        }
    }
}
