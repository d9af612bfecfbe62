using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Pipeline.Journal.Internal;

/// <summary>Names and lists segment files: <c>{first sequence, 20 digits}.journal</c>, index beside it.</summary>
internal static class SegmentFiles
{
    public const string SegmentExtension = ".journal";
    public const string IndexExtension = ".index";
    public const string LockFileName = "journal.lock";

    public static string SegmentPath(string directory, long firstSequence) =>
        Path.Combine(directory, firstSequence.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension);

    public static string IndexPath(string segmentPath) => Path.ChangeExtension(segmentPath, IndexExtension);

    /// <summary>Segments sorted by the first sequence in their name.</summary>
    public static List<(long FirstSequence, string Path)> List(string directory)
    {
        var segments = new List<(long, string)>();
        if (!System.IO.Directory.Exists(directory))
        {
            return segments;
        }

        foreach (string path in System.IO.Directory.EnumerateFiles(directory, "*" + SegmentExtension))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long first) && first >= 1)
            {
                segments.Add((first, path));
            }
        }

        segments.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return segments;
    }

    /// <summary>Takes the journal's exclusive lock so that only one process writes (or repairs) it.</summary>
    public static FileStream AcquireLock(string directory)
    {
        string path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The journal in '{directory}' is in use by another process (could not lock {path}).", ex);
        }
    }
}
