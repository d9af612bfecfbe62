using System;
using System.Collections.Generic;
using System.IO;
using Pipeline.Journal;
using Pipeline.Journal.Internal;

namespace Pipeline.Testing;

/// <summary>Direct access to a journal's files for tests that damage them on purpose, and a read-everything helper.</summary>
internal static class JournalFiles
{
    /// <summary>The segment files as (first sequence, path), oldest first.</summary>
    public static List<(long FirstSequence, string Path)> Segments(string directory) => SegmentFiles.List(directory);

    /// <summary>The path of the segment whose first sequence is <paramref name="firstSequence"/>.</summary>
    public static string SegmentPath(string directory, long firstSequence) => SegmentFiles.SegmentPath(directory, firstSequence);

    /// <summary>The index file beside a segment.</summary>
    public static string IndexPath(string segmentPath) => SegmentFiles.IndexPath(segmentPath);

    /// <summary>Flips bit <paramref name="bit"/> (0..7) of the byte at <paramref name="offset"/>.</summary>
    public static void FlipBit(string path, long offset, int bit)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        file.Position = offset;
        int value = file.ReadByte();
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "offset is past the end of the file.");
        }

        file.Position = offset;
        file.WriteByte((byte)(value ^ (1 << bit)));
    }

    /// <summary>Reads every record from <paramref name="fromSequence"/> to <paramref name="toSequence"/> (or the end).</summary>
    public static List<StoredRecord> ReadAll(string directory, long fromSequence = 1, long toSequence = long.MaxValue)
    {
        var records = new List<StoredRecord>();
        using JournalCursor cursor = new JournalReader(directory).ReadFrom(fromSequence, toSequence);
        while (cursor.TryRead(out JournalRecord record))
        {
            records.Add(StoredRecord.From(record));
        }

        return records;
    }
}
