using System;
using System.Collections.Generic;
using System.IO;
using Pipeline.Journal.Format;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal.Maintenance;

/// <summary>One problem found by <see cref="JournalVerifier"/>.</summary>
/// <param name="File">The segment file.</param>
/// <param name="Position">The byte offset in it.</param>
/// <param name="Sequence">The sequence expected there.</param>
/// <param name="Description">What is wrong.</param>
/// <param name="IsTornTail">True for damage at the very end of the last segment with nothing valid after it (recovery truncates it).</param>
public sealed record JournalProblem(string File, long Position, long Sequence, string Description, bool IsTornTail);

/// <summary>What a full scan of the journal found.</summary>
public sealed class JournalReport
{
    /// <summary>The segment files scanned, oldest first.</summary>
    public List<string> Segments { get; } = [];

    /// <summary>Valid records before the first problem.</summary>
    public long Records { get; set; }

    /// <summary>The first sequence (0 if no record).</summary>
    public long FirstSequence { get; set; }

    /// <summary>The last valid sequence before the first problem (0 if no record).</summary>
    public long LastSequence { get; set; }

    /// <summary>Timestamp of the first record, UTC ticks.</summary>
    public long FirstTimestampTicks { get; set; }

    /// <summary>Timestamp of the last valid record, UTC ticks.</summary>
    public long LastTimestampTicks { get; set; }

    /// <summary>Total bytes of valid records.</summary>
    public long Bytes { get; set; }

    /// <summary>Problems found; the scan stops at the first one that is not a torn tail.</summary>
    public List<JournalProblem> Problems { get; } = [];

    /// <summary>True when nothing but (at most) a torn tail was found.</summary>
    public bool IsHealthy => Problems.TrueForAll(p => p.IsTornTail);
}

/// <summary>Scans every segment and record of a journal and reports, changing nothing (the <c>journal verify</c> tool).</summary>
public static class JournalVerifier
{
    /// <summary>Scans the journal in <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">There is no such folder.</exception>
    public static JournalReport Verify(string directory, int maxRecordBytes = 2 * 1024 * 1024)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"There is no journal folder '{directory}'.");
        }

        var report = new JournalReport();
        List<(long FirstSequence, string Path)> segments = SegmentFiles.List(directory);
        long expected = segments.Count > 0 ? segments[0].FirstSequence : 1;
        for (int i = 0; i < segments.Count; i++)
        {
            (long first, string path) = segments[i];
            bool isLast = i == segments.Count - 1;
            report.Segments.Add(path);
            using SegmentReader? reader = SegmentReader.TryOpen(path, 4 * 1024 * 1024, maxRecordBytes, out string? problem);
            if (reader is null)
            {
                bool torn = isLast && new FileInfo(path).Length < SegmentHeader.Size;
                report.Problems.Add(new JournalProblem(path, 0, expected, problem!, torn));
                return report;
            }

            if (reader.Header.FirstSequence != first || first != expected)
            {
                report.Problems.Add(new JournalProblem(path, 0, expected, $"the segment starts at sequence {reader.Header.FirstSequence}; {expected} was expected (gap or misplaced file)", false));
                return report;
            }

            while (true)
            {
                long position = reader.Position;
                RecordStatus status = reader.TryReadNext(out RecordHeader header, out _);
                if (status == RecordStatus.Valid)
                {
                    if (header.Sequence != expected)
                    {
                        report.Problems.Add(new JournalProblem(path, position, expected, $"the record carries sequence {header.Sequence}", false));
                        return report;
                    }

                    if (report.Records == 0)
                    {
                        report.FirstSequence = header.Sequence;
                        report.FirstTimestampTicks = header.TimestampTicks;
                    }

                    report.Records++;
                    report.LastSequence = header.Sequence;
                    report.LastTimestampTicks = header.TimestampTicks;
                    report.Bytes += header.TotalLength;
                    expected++;
                    continue;
                }

                if (position == reader.FileLength || (status == RecordStatus.Unwritten && reader.IsZeroFrom(position)))
                {
                    break; // the end of the file, or the zero space of a preallocated segment after its last record
                }

                // A damaged length can make a middle record look like it runs past the end (Incomplete): what tells a
                // torn tail from corruption is whether valid records follow.
                bool validAfter = reader.HasValidRecordAfter(position, expected - 1);
                bool tornTail = isLast && !validAfter;
                string description = (status == RecordStatus.Incomplete
                    ? $"the file ends inside a record ({reader.FileLength - position} bytes left)"
                    : "the record's length or CRC-32C is wrong") + (validAfter ? " and valid records follow it" : string.Empty);
                report.Problems.Add(new JournalProblem(path, position, expected, description, tornTail));
                return report;
            }
        }

        return report;
    }
}
