using System;
using System.Collections.Generic;
using Pipeline.Journal.Format;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal;

/// <summary>
/// Reads the journal from any sequence, in large batches, without allocating per record. Safe to use while the
/// writer appends: pass the writer's durable sequence as the upper bound and only complete, durable records are read.
/// </summary>
/// <remarks>A reader and its cursors are for one thread at a time. Readers never take the journal's lock.</remarks>
public sealed class JournalReader
{
    private readonly string _directory;
    private readonly int _maxRecordBytes;
    private readonly int _bufferBytes;

    /// <summary>Creates a reader of the journal in <paramref name="directory"/>.</summary>
    public JournalReader(string directory, int maxRecordBytes = 2 * 1024 * 1024, int bufferBytes = 4 * 1024 * 1024)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, RecordHeader.Size + 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 64 * 1024);
        _directory = directory;
        _maxRecordBytes = maxRecordBytes;
        _bufferBytes = bufferBytes;
    }

    /// <summary>The journal's folder.</summary>
    public string Directory => _directory;

    /// <summary>The first sequence present (1 unless retention removed old segments), or 1 for an empty journal.</summary>
    public long FirstSequence
    {
        get
        {
            List<(long FirstSequence, string Path)> segments = SegmentFiles.List(_directory);
            return segments.Count == 0 ? 1 : segments[0].FirstSequence;
        }
    }

    /// <summary>
    /// A cursor over records from <paramref name="fromSequence"/> to <paramref name="toSequence"/> inclusive.
    /// A bound other than <see cref="long.MaxValue"/> promises that the journal holds every sequence up to it (the
    /// writer's durable sequence): a record missing or damaged below it is reported as corruption. Without a bound
    /// the cursor stops quietly at a tail that is still being written.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromSequence"/> is below 1.</exception>
    /// <exception cref="System.IO.DirectoryNotFoundException">There is no journal folder.</exception>
    /// <exception cref="InvalidOperationException">Retention removed the segment holding <paramref name="fromSequence"/>.</exception>
    public JournalCursor ReadFrom(long fromSequence, long toSequence = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        if (!System.IO.Directory.Exists(_directory))
        {
            throw new System.IO.DirectoryNotFoundException($"There is no journal folder '{_directory}'.");
        }

        long first = FirstSequence;
        if (fromSequence < first)
        {
            throw new InvalidOperationException(
                $"The journal in '{_directory}' starts at sequence {first}: sequences before it were removed by retention, so reading from {fromSequence} is impossible.");
        }

        return new JournalCursor(_directory, _maxRecordBytes, _bufferBytes, fromSequence, toSequence);
    }
}
