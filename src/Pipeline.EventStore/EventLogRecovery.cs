namespace Pipeline.EventStore;

/// <summary>What opening an existing event log found and repaired.</summary>
/// <param name="LastPosition">The position of the last intact event (0 for an empty log).</param>
/// <param name="TruncatedFile">The segment whose torn tail was cut off, or null when none was.</param>
/// <param name="TruncatedAtOffset">The byte offset the segment was cut back to (the end of its last intact record).</param>
/// <param name="TruncatedBytes">How many bytes were cut off; 0 when the log ended cleanly.</param>
public readonly record struct EventLogRecovery(long LastPosition, string? TruncatedFile, long TruncatedAtOffset, long TruncatedBytes)
{
    /// <summary>Whether a torn tail (a record that never became whole) was cut off.</summary>
    public bool TruncatedTornTail => TruncatedBytes > 0;
}
