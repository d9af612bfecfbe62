namespace Pipeline.Journal.Snapshots;

/// <summary>A snapshot file as listed by the store.</summary>
/// <param name="Sequence">The snapshot covers every event with a sequence at or below this.</param>
/// <param name="Path">The file.</param>
/// <param name="SizeBytes">The file's size.</param>
/// <param name="Digest">The state digest recorded in the header (0 if the header is unreadable).</param>
/// <param name="TimestampTicks">The journal timestamp of the event at <paramref name="Sequence"/>.</param>
/// <param name="Problem">Why the file is unusable, or null if its header and CRCs check out.</param>
public sealed record SnapshotInfo(long Sequence, string Path, long SizeBytes, ulong Digest, long TimestampTicks, string? Problem)
{
    /// <summary>Whether the file passed every check.</summary>
    public bool IsValid => Problem is null;
}
