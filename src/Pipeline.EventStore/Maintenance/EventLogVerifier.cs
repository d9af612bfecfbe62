using System.Collections.Generic;
using System.IO;
using Pipeline.EventStore.Format;
using Pipeline.EventStore.Internal;
using Pipeline.Journal.Format;

namespace Pipeline.EventStore.Maintenance;

/// <summary>
/// Scans every segment and record of an event log and reports, changing nothing (the <c>events verify</c> tool).
/// Unlike the writer's open, which checks sealed segments by their header and last record, it reads every record.
/// </summary>
/// <remarks>Takes no lock: it may run beside the service, and then reports the tail it saw at that moment.</remarks>
public static class EventLogVerifier
{
    private const int BufferBytes = 4 * 1024 * 1024;

    /// <summary>Scans the event log in <see cref="EventLogOptions.Directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">There is no such folder.</exception>
    public static EventLogReport Verify(EventLogOptions options)
    {
        System.ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!Directory.Exists(options.Directory))
        {
            throw new DirectoryNotFoundException($"There is no event log folder '{options.Directory}'.");
        }

        var report = new EventLogReport();
        List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
        long expected = segments.Count > 0 ? segments[0].FirstPosition : 1;
        for (int i = 0; i < segments.Count; i++)
        {
            (long first, string path) = segments[i];
            bool isLast = i == segments.Count - 1;
            report.Segments.Add(path);
            if (!ScanSegment(options, report, path, first, isLast, ref expected))
            {
                return report;
            }
        }

        return report;
    }

    // False when the scan must stop at a problem.
    private static bool ScanSegment(EventLogOptions options, EventLogReport report, string path, long first, bool isLast, ref long expected)
    {
        using SegmentWindow? segment = SegmentWindow.TryOpen(path, BufferBytes, options.MaxRecordBytes, out string? problem);
        if (segment is null)
        {
            // The writer's open writes the header again when the last segment is shorter than it (a crash at creation).
            bool torn = isLast && first == expected && new FileInfo(path).Length < EventSegmentHeader.Size;
            report.Problems.Add(new EventLogProblem(path, 0, expected, problem!, torn));
            return false;
        }

        if (segment.Header.FirstPosition != first || first != expected)
        {
            report.Problems.Add(new EventLogProblem(path, 0, expected,
                $"the segment starts at position {segment.Header.FirstPosition} (named {first}); {expected} was expected (gap or misplaced file)", false));
            return false;
        }

        long offset = EventSegmentHeader.Size;
        while (true)
        {
            RecordStatus status = segment.TryReadRecord(offset, backward: false, out EventRecordHeader header, out _);
            if (status == RecordStatus.Valid)
            {
                if (header.Position != expected)
                {
                    report.Problems.Add(new EventLogProblem(path, offset, expected, $"the record carries position {header.Position}", false));
                    return false;
                }

                if (report.Events == 0)
                {
                    report.FirstPosition = header.Position;
                    report.FirstCommandSequence = header.CommandSequence;
                }

                report.Events++;
                report.LastPosition = header.Position;
                report.LastCommandSequence = header.CommandSequence;
                report.Bytes += header.Length;
                expected++;
                offset += header.Length;
                continue;
            }

            if (offset == segment.FileLength)
            {
                return true;
            }

            // A damaged length can make a middle record look longer than the file (Incomplete): what tells a torn
            // tail from corruption is whether valid records follow, in this segment or (for a sealed one) at all.
            bool validAfter = !isLast || segment.HasValidRecordAfter(offset, expected - 1);
            string description = (status == RecordStatus.Incomplete
                ? $"the file ends inside a record ({segment.FileLength - offset} bytes left)"
                : "the record's length, fields or CRC-32C are wrong") + (validAfter ? (isLast ? " and valid records follow it" : " in a sealed segment") : string.Empty);
            report.Problems.Add(new EventLogProblem(path, offset, expected, description, !validAfter));
            return false;
        }
    }
}
