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

        // The segment that keeps the cut: the last one starting at or before it (the very first segment is kept even
        // if emptied, so the journal keeps its start). Everything after it is wholly after the cut.
        int keep = -1;
        for (int i = segments.Count - 1; i >= 0; i--)
        {
            long first = segments[i].FirstSequence;
            if (first <= sequence || (first == sequence + 1 && i == 0))
            {
                keep = i;
                break;
            }
        }

        if (keep < 0)
        {
            if (segments.Count == 0 && sequence == 0)
            {
                return 0;
            }

            throw new InvalidOperationException(segments.Count == 0
                ? $"Cannot truncate after sequence {sequence}: there is no journal segment in '{directory}'."
                : $"Cannot truncate after sequence {sequence}: the journal in '{directory}' starts at sequence {segments[0].FirstSequence}.");
        }

        // Find (and so check) the cut before changing anything: a refused truncation leaves the journal as it was.
        (long keepFirst, string keepPath) = segments[keep];
        long cut = FindCut(keepPath, keepFirst, sequence, maxRecordBytes);
        long removed = 0;
        for (int i = segments.Count - 1; i > keep; i--)
        {
            string path = segments[i].Path;
            removed += new FileInfo(path).Length;
            File.Delete(path);
            File.Delete(SegmentFiles.IndexPath(path));
        }

        removed += CutSegment(keepPath, cut);
        DirectorySync.Flush(directory);
        return removed;
    }

    // The end of record `sequence` in the segment (its header's end if the segment keeps no record).
    private static long FindCut(string path, long first, long sequence, int maxRecordBytes)
    {
        using SegmentReader reader = SegmentReader.TryOpen(path, 4 * 1024 * 1024, maxRecordBytes, out string? problem)
            ?? throw new InvalidOperationException($"Cannot truncate: the header of {path} is unreadable ({problem}).");
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

        return reader.Position;
    }

    private static long CutSegment(string path, long cut)
    {
        File.Delete(SegmentFiles.IndexPath(path)); // rebuilt on the next open
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long removed = stream.Length - cut;
        stream.SetLength(cut);
        stream.Flush(flushToDisk: true);
        return removed;
    }
}
