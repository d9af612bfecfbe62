using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Pipeline.EventStore.Internal;

/// <summary>Names and lists segment files: <c>events-{first position, 20 digits}.log</c>, and the writer's lock.</summary>
internal static class EventSegmentFiles
{
    public const string Prefix = "events-";
    public const string Extension = ".log";
    public const string IndexExtension = ".idx";
    public const string LockFileName = "events.lock";
    private const int DigitCount = 20;

    public static string SegmentPath(string directory, long firstPosition) =>
        Path.Combine(directory, Prefix + firstPosition.ToString("D20", CultureInfo.InvariantCulture) + Extension);

    /// <summary>The index file of the segment at <paramref name="segmentPath"/>: the same name with <c>.idx</c>.</summary>
    public static string IndexPath(string segmentPath) => Path.ChangeExtension(segmentPath, IndexExtension);

    /// <summary>Segments sorted by the first position in their name; other files are ignored.</summary>
    public static List<(long FirstPosition, string Path)> List(string directory)
    {
        var segments = new List<(long, string)>();
        if (!System.IO.Directory.Exists(directory))
        {
            return segments;
        }

        foreach (string path in System.IO.Directory.EnumerateFiles(directory, Prefix + "*" + Extension))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (name.Length == Prefix.Length + DigitCount
                && long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long first)
                && first >= 1)
            {
                segments.Add((first, path));
            }
        }

        segments.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return segments;
    }

    /// <summary>The index of the segment holding <paramref name="position"/>: the last whose first position is at or below it; -1 if none.</summary>
    public static int Find(List<(long FirstPosition, string Path)> segments, long position)
    {
        int low = 0;
        int high = segments.Count - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            if (segments[middle].FirstPosition <= position)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    /// <summary>Takes the event log's exclusive lock so that only one writer (in any process) appends to it.</summary>
    public static FileStream AcquireLock(string directory)
    {
        string path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The event log in '{directory}' is in use by another writer (could not lock {path}).", ex);
        }
    }
}
