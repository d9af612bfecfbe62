using System;

namespace Pipeline.EventStore;

/// <summary>
/// The event log holds a damaged record before its tail, a damaged segment header, or a gap in its positions.
/// Opening stops: dropping the damage would silently lose events that were written after it.
/// </summary>
public sealed class EventLogCorruptedException : Exception
{
    /// <summary>Creates the exception for the problem at byte <paramref name="offset"/> of <paramref name="file"/>.</summary>
    public EventLogCorruptedException(string file, long offset, long position, string reason)
        : base($"Event log corrupted in {file} at byte offset {offset} (event position {position}): {reason}.")
    {
        File = file;
        Offset = offset;
        Position = position;
        Reason = reason;
    }

    /// <summary>The segment file.</summary>
    public string File { get; }

    /// <summary>The byte offset of the damage in the file (0 for the segment header).</summary>
    public long Offset { get; }

    /// <summary>The position the damaged record should carry (or the first position the segment should hold).</summary>
    public long Position { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
