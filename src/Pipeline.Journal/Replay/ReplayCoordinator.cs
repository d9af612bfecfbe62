using System;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Journal.Internal;
using Pipeline.Journal.Snapshots;

namespace Pipeline.Journal.Replay;

/// <summary>What start-up recovery found: the state to start from and where the journal tail begins.</summary>
/// <param name="State">The restored state (or a new empty one).</param>
/// <param name="Snapshot">The snapshot used, or null for a replay from the start.</param>
/// <param name="NextSequence">The first journal sequence to replay.</param>
public sealed record RecoveryStart<TState>(TState State, SnapshotInfo? Snapshot, long NextSequence);

/// <summary>
/// Start-up recovery: load the newest valid snapshot (an unusable one is reported and an older one tried; none
/// means an empty state), then replay the journal from the snapshot's sequence + 1 into an <see cref="IReplayTarget"/>.
/// </summary>
public sealed class ReplayCoordinator
{
    private readonly JournalReader _journal;
    private readonly ISnapshotStore? _snapshots;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates a coordinator over a journal and (optionally) a snapshot store.</summary>
    /// <param name="journal">The journal to replay.</param>
    /// <param name="snapshots">Where snapshots are, or null to always replay from the start.</param>
    /// <param name="logger">Where recovery and replay progress are logged (none by default).</param>
    /// <param name="timeProvider">The clock of the replay's duration and progress lines (<see cref="TimeProvider.System"/> by default).</param>
    public ReplayCoordinator(JournalReader journal, ISnapshotStore? snapshots, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        _journal = journal;
        _snapshots = snapshots;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Chooses the starting state: the newest usable snapshot, or <paramref name="createEmpty"/>() if there is none
    /// or <paramref name="ignoreSnapshots"/> is set (a full replay).
    /// </summary>
    /// <exception cref="InvalidOperationException">No snapshot is usable and retention removed the journal's start.</exception>
    public RecoveryStart<TState> LoadState<TState>(Func<TState> createEmpty, bool ignoreSnapshots = false)
        where TState : ISnapshotable
    {
        ArgumentNullException.ThrowIfNull(createEmpty);
        if (!ignoreSnapshots && _snapshots?.TryLoadNewest(createEmpty) is { } loaded)
        {
            Log.SnapshotLoaded(_logger, loaded.Snapshot.Sequence, loaded.Snapshot.Path);
            return new RecoveryStart<TState>(loaded.State, loaded.Snapshot, loaded.Snapshot.Sequence + 1);
        }

        long first = _journal.FirstSequence;
        if (first > 1)
        {
            throw new InvalidOperationException(
                $"No usable snapshot, and the journal starts at sequence {first} (retention removed the rest): the state cannot be rebuilt.");
        }

        Log.NoSnapshot(_logger);
        return new RecoveryStart<TState>(createEmpty(), null, 1);
    }

    /// <summary>
    /// Replays records from <paramref name="fromSequence"/> to <paramref name="toSequence"/> (a sequence the journal
    /// is known to hold, e.g. the writer's last sequence after recovery) into <paramref name="target"/>. Returns the count.
    /// </summary>
    /// <remarks>A replay that runs longer than <see cref="ProgressReporter.DefaultInterval"/> logs its progress every interval.</remarks>
    public long Replay(long fromSequence, long toSequence, IReplayTarget target, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (toSequence < fromSequence)
        {
            return 0;
        }

        long start = _time.GetTimestamp();
        var progress = new ProgressReporter("Replay", toSequence - fromSequence + 1, _logger, _time);
        long count = 0;
        using (JournalCursor cursor = _journal.ReadFrom(fromSequence, toSequence))
        {
            int inBatch = 0;
            while (cursor.TryRead(out JournalRecord record))
            {
                target.Apply(record);
                count++;
                progress.Advance();
                if (++inBatch == batchSize)
                {
                    target.EndOfBatch();
                    inBatch = 0;
                }
            }

            if (inBatch > 0)
            {
                target.EndOfBatch();
            }
        }

        TimeSpan elapsed = _time.GetElapsedTime(start);
        Log.Replayed(_logger, count, fromSequence, toSequence, elapsed.TotalMilliseconds);
        return count;
    }
}
