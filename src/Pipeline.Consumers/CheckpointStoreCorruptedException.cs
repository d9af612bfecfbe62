using System;

namespace Pipeline.Consumers;

/// <summary>
/// The checkpoint file has a damaged header, or a damaged record with valid records after it. Opening stops:
/// dropping the damage would move acknowledged checkpoints backwards or lose them.
/// </summary>
public sealed class CheckpointStoreCorruptedException : Exception
{
    /// <summary>Creates the exception for the problem at byte <paramref name="offset"/> of <paramref name="file"/>.</summary>
    public CheckpointStoreCorruptedException(string file, long offset, string reason)
        : base($"Checkpoint store corrupted in {file} at byte offset {offset}: {reason}. " +
               "Restore the file from a backup, or move it away to start with no checkpoints (every durable consumer then starts from position 0).")
    {
        File = file;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The checkpoint file.</summary>
    public string File { get; }

    /// <summary>The byte offset of the damage in the file (0 for the header).</summary>
    public long Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
