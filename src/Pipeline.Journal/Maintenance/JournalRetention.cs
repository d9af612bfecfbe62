using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal.Maintenance;

/// <summary>Applies the <see cref="RetentionPolicy"/>: retires segments wholly covered by the oldest kept snapshot.</summary>
public static class JournalRetention
{
    /// <summary>
    /// Deletes or archives every segment whose records all have sequences at or below
    /// <paramref name="oldestSnapshotSequence"/>; the last segment is never touched. Returns the retired files.
    /// </summary>
    public static IReadOnlyList<string> Apply(JournalOptions options, long oldestSnapshotSequence, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var retired = new List<string>();
        if (options.Retention == RetentionPolicy.KeepAll || oldestSnapshotSequence < 1)
        {
            return retired;
        }

        List<(long FirstSequence, string Path)> segments = SegmentFiles.List(options.Directory);
        for (int i = 0; i < segments.Count - 1; i++)
        {
            long lastInSegment = segments[i + 1].FirstSequence - 1;
            if (lastInSegment > oldestSnapshotSequence)
            {
                break;
            }

            string path = segments[i].Path;
            string index = SegmentFiles.IndexPath(path);
            if (options.Retention == RetentionPolicy.Archive)
            {
                Directory.CreateDirectory(options.ArchiveDirectory!);
                File.Move(path, Path.Combine(options.ArchiveDirectory!, Path.GetFileName(path)), overwrite: true);
                if (File.Exists(index))
                {
                    File.Move(index, Path.Combine(options.ArchiveDirectory!, Path.GetFileName(index)), overwrite: true);
                }
            }
            else
            {
                File.Delete(path);
                File.Delete(index);
            }

            Log.SegmentRetired(logger, options.Retention, path, lastInSegment);
            retired.Add(path);
        }

        if (retired.Count > 0)
        {
            DirectorySync.Flush(options.Directory);
        }

        return retired;
    }
}
