using System;
using System.Collections.Generic;

namespace Pipeline.Journal.Snapshots;

/// <summary>Where snapshots are kept.</summary>
public interface ISnapshotStore
{
    /// <summary>Writes a snapshot atomically; older ones beyond the kept count are removed. Returns what was written.</summary>
    SnapshotInfo Write(long sequence, long timestampTicks, ISnapshotCapture capture);

    /// <summary>Every snapshot file, newest first, each checked (header and payload CRCs).</summary>
    IReadOnlyList<SnapshotInfo> List();

    /// <summary>
    /// Restores the newest snapshot that passes its checks and whose state reads back: an unusable one is
    /// reported through <paramref name="onUnusable"/> and the next older one is tried with a fresh state.
    /// Returns null when none is usable (replay from the start).
    /// </summary>
    (TState State, SnapshotInfo Snapshot)? TryLoadNewest<TState>(Func<TState> createEmpty, Action<SnapshotInfo, string>? onUnusable = null)
        where TState : ISnapshotable;
}
