using System.IO;

namespace Pipeline.Consumers.Internal;

/// <summary>The checkpoint store's file names, and its lock.</summary>
internal static class CheckpointFiles
{
    public const string LogFileName = "checkpoints.log";
    public const string TempFileName = "checkpoints.log.tmp";
    public const string LockFileName = "checkpoints.lock";

    /// <summary>Takes the store's exclusive lock so that only one store (in any process) writes the folder.</summary>
    public static FileStream AcquireLock(string directory)
    {
        string path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The checkpoint store in '{directory}' is in use by another process or store (could not lock {path}).", ex);
        }
    }
}
