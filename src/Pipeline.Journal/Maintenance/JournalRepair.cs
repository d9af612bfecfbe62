using System;
using System.Collections.Generic;
using System.IO;
using Pipeline.Journal.Format;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal.Maintenance;

/// <summary>Explicit, operator-driven repair of a journal (the <c>journal truncate</c> tool).</summary>
public static class JournalRepair
{
    /// <summary>
    /// Removes every record after <paramref name="sequence"/>: later segments are deleted, the segment holding the
    /// cut is truncated. Takes the journal's lock, so it refuses while the service runs. Returns how many bytes
    /// were removed. Records up to <paramref name="sequence"/> must be intact.
    /// </summary>
    /// <exception cref="InvalidOperationException">The journal does not hold <paramref name="sequence"/> intact.</exception>
    public static long TruncateAfter(string directory, long sequence, int maxRecordBytes = 2 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"There is no journal folder '{directory}'.");
        }

        using FileStream lockFile = SegmentFiles.AcquireLock(directory);
        List<(long FirstSequence, string Path)> segments = SegmentFiles.List(directory);
        long removed = 0;
        for (int i = segments.Count - 1; i >= 0; i--)
        {
            (long first, string path) = segments[i];
            if (first > sequence + 1 || (first == sequence + 1 && i > 0))
            {
                // Wholly after the cut (keep the very first segment even if emptied, so the journal keeps its start).
                removed += new FileInfo(path).Length;
                File.Delete(path);
                File.Delete(SegmentFiles.IndexPath(path));
                continue;
            }

            removed += CutSegment(path, first, sequence, maxRecordBytes);
            break;
        }

        DirectorySync.Flush(directory);
        return removed;
    }

    private static long CutSegment(string path, long first, long sequence, int maxRecordBytes)
    {
        long cut;
        using (SegmentReader reader = SegmentReader.TryOpen(path, 4 * 1024 * 1024, maxRecordBytes, out string? problem)
            ?? throw new InvalidOperationException($"Cannot truncate: the header of {path} is unreadable ({problem})."))
        {
            long expected = first;
            while (expected <= sequence)
            {
                long position = reader.Position;
                if (reader.TryReadNext(out RecordHeader header, out _) != RecordStatus.Valid || header.Sequence != expected)
                {
                    throw new InvalidOperationException(
                        $"Cannot truncate after sequence {sequence}: sequence {expected} at offset {position} of {path} is not intact. Truncate after {expected - 1} or earlier.");
                }

                expected++;
            }

            cut = reader.Position;
        }

        File.Delete(SegmentFiles.IndexPath(path)); // rebuilt on the next open
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long removed = stream.Length - cut;
        stream.SetLength(cut);
        stream.Flush(flushToDisk: true);
        return removed;
    }
}
