using System;

namespace Pipeline.Journal;

/// <summary>
/// The journal holds a damaged record before its tail (or a gap in its sequences). Start-up stops: dropping it
/// would lose acknowledged events. An operator verifies and, as an explicit decision, truncates.
/// </summary>
public sealed class JournalCorruptedException : Exception
{
    /// <summary>Creates the exception for the problem at <paramref name="position"/> of <paramref name="file"/>.</summary>
    public JournalCorruptedException(string file, long position, long sequence, string reason)
        : base($"Journal corrupted in {file} at offset {position} (sequence {sequence}): {reason}. " +
               $"Run 'journal verify' for a report; 'journal truncate --after {sequence - 1}' drops sequence {sequence} and everything after it.")
    {
        File = file;
        Position = position;
        Sequence = sequence;
        Reason = reason;
    }

    /// <summary>The segment file.</summary>
    public string File { get; }

    /// <summary>The byte offset of the damaged record in the file.</summary>
    public long Position { get; }

    /// <summary>The sequence the damaged record should carry.</summary>
    public long Sequence { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
