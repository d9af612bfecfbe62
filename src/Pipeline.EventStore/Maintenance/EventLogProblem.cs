namespace Pipeline.EventStore.Maintenance;

/// <summary>One problem found by <see cref="EventLogVerifier"/>.</summary>
/// <param name="File">The segment file.</param>
/// <param name="Offset">The byte offset of the damaged record (0 for a segment header) in it.</param>
/// <param name="Position">The event position expected there.</param>
/// <param name="Description">What is wrong.</param>
/// <param name="IsTornTail">True for damage at the very end of the last segment with nothing valid after it (the next start cuts it off).</param>
public sealed record EventLogProblem(string File, long Offset, long Position, string Description, bool IsTornTail);
