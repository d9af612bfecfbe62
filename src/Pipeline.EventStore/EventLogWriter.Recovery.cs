using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Pipeline.EventStore.Format;
using Pipeline.EventStore.Internal;
using Pipeline.Journal.Replay;
using Pipeline.Journal.Format;
using SegmentIO = Pipeline.Journal.Internal.SegmentIO;

namespace Pipeline.EventStore;

public sealed partial class EventLogWriter
{
    private const int ScanBufferBytes = 1024 * 1024;

    /// <summary>
    /// Opens (or creates) the event log in <see cref="EventLogOptions.Directory"/> and recovers it: every segment
    /// but the last is checked by its header and its last record, the last one is scanned record by record. A torn
    /// last record is cut off, logged (event id 1201) and reported in <see cref="Recovery"/>; a damaged record with
    /// valid records after it, a damaged segment header or a gap in the positions stops the open.
    /// </summary>
    /// <remarks>Blocks for the scan of the last segment (one sequential read of it) and the fsyncs of a repair.</remarks>
    /// <exception cref="ArgumentException">An option breaks a rule.</exception>
    /// <exception cref="EventLogCorruptedException">The log is damaged before its tail.</exception>
    /// <exception cref="IOException">The folder cannot be used, or another writer has the log open.</exception>
    public static EventLogWriter Open(EventLogOptions options, ILogger? logger = null) => Open(options, SegmentIO.Default, logger);

    // The seam through which tests inject write and fsync failures.
    internal static EventLogWriter Open(EventLogOptions options, SegmentIO io, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(io);
        options.Validate();
        logger ??= NullLogger.Instance;
        Directory.CreateDirectory(options.Directory);
        FileStream lockFile = EventSegmentFiles.AcquireLock(options.Directory);
        try
        {
            List<(long FirstPosition, string Path)> segments = EventSegmentFiles.List(options.Directory);
            if (segments.Count == 0)
            {
                string path = EventSegmentFiles.SegmentPath(options.Directory, 1);
                SafeFileHandle fresh = CreateSegment(path, 1);
                Log.Opened(logger, options.Directory, 1, 0);
                return new EventLogWriter(options, io, logger, lockFile, fresh, path, 1, EventSegmentHeader.Size, 0, 0, default, new SegmentIndexBuilder(IndexKeyHash.Fnv1a64, 1));
            }

            long expected = segments[0].FirstPosition;
            long lastCommandSequence = 0;
            for (int i = 0; i < segments.Count - 1; i++)
            {
                CheckSealedSegment(options, segments[i].Path, segments[i].FirstPosition, ref expected, ref lastCommandSequence);
            }

            EnsureIndexes(options, logger, segments);
            (long first, string activePath) = segments[^1];
            var building = new SegmentIndexBuilder(IndexKeyHash.Fnv1a64, first);
            ActiveScan scan = ScanActiveSegment(options, logger, activePath, first, building, ref expected, ref lastCommandSequence);
            SafeFileHandle handle = File.OpenHandle(activePath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            try
            {
                if (scan.TornBytes > 0)
                {
                    RandomAccess.SetLength(handle, scan.End);
                    RandomAccess.FlushToDisk(handle);
                }
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            long lastPosition = expected - 1;
            var recovery = new EventLogRecovery(lastPosition, scan.TornBytes > 0 ? activePath : null, scan.TornBytes > 0 ? scan.End : 0, scan.TornBytes);
            Log.Opened(logger, options.Directory, segments.Count, lastPosition);
            return new EventLogWriter(options, io, logger, lockFile, handle, activePath, first, scan.End, lastPosition, lastCommandSequence, recovery, building);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    // A sealed segment was fsynced whole before the next one was created: its header and its last record (found
    // through the trailing length at the end of the file) vouch for it. Readers verify every record as they read it.
    private static void CheckSealedSegment(EventLogOptions options, string path, long nameFirst, ref long expected, ref long lastCommandSequence)
    {
        using SegmentWindow segment = OpenSegment(path, nameFirst, expected, options.MaxRecordBytes);
        long length = segment.FileLength;
        if (length == EventSegmentHeader.Size)
        {
            return; // no records: the next segment must start at the same position
        }

        if (length < EventSegmentHeader.Size + EventRecordHeader.MinLength)
        {
            throw new EventLogCorruptedException(path, EventSegmentHeader.Size, expected, "a sealed segment ends inside its first record");
        }

        int last = BinaryPrimitives.ReadInt32LittleEndian(segment.Read(length - EventRecordHeader.TrailerSize, EventRecordHeader.TrailerSize, backward: true));
        long offset = length - last;
        if (!EventRecordHeader.IsPlausibleLength(last, options.MaxRecordBytes) || offset < EventSegmentHeader.Size)
        {
            throw new EventLogCorruptedException(path, length - EventRecordHeader.TrailerSize, expected, $"the sealed segment's last record length {last} is impossible");
        }

        if (segment.TryReadRecord(offset, backward: true, out EventRecordHeader header, out _) != RecordStatus.Valid || header.Length != last)
        {
            throw new EventLogCorruptedException(path, offset, expected, "the sealed segment's last record has a wrong length, field or CRC-32C");
        }

        if (header.Position < nameFirst)
        {
            throw new EventLogCorruptedException(path, offset, expected, $"the sealed segment's last record carries position {header.Position}, below the segment's first {nameFirst}");
        }

        expected = header.Position + 1;
        lastCommandSequence = header.CommandSequence;
    }

    // Every sealed segment has an index file with a valid, current header (one 64-byte read each); a missing, bad or
    // older-version (stale) one is rebuilt from its segment (warning 1206). Damage inside an index body is found by
    // readers, which check a block table and each block against its CRC-32C when a lookup first reads it, and
    // rebuild it the same way.
    private static void EnsureIndexes(EventLogOptions options, ILogger logger, List<(long FirstPosition, string Path)> segments)
    {
        var missing = new List<(int Segment, string Problem)>();
        long total = 0;
        for (int i = 0; i < segments.Count - 1; i++)
        {
            (long first, string path) = segments[i];
            if (!SealedSegmentIndex.CheckHeader(EventSegmentFiles.IndexPath(path), first, new FileInfo(path).Length, IndexKeyHash.Fnv1a64, out string? problem))
            {
                missing.Add((i, problem!));
                total += segments[i + 1].FirstPosition - first; // a sealed segment's events, from the file names
            }
        }

        // Rebuilding many indexes (e.g. all of them deleted) takes seconds: its progress is logged every 2 s past the first.
        var progress = new ProgressReporter("Event index rebuild", total, logger, TimeProvider.System, checkEvery: 1);
        SegmentIndexBuilder? builder = null;
        foreach ((int i, string problem) in missing)
        {
            (long first, string path) = segments[i];
            string indexPath = EventSegmentFiles.IndexPath(path);
            int records = (builder ??= new SegmentIndexBuilder(IndexKeyHash.Fnv1a64, first)).BuildFile(path, indexPath, options.MaxRecordBytes);
            Log.IndexRebuilt(logger, indexPath, records, problem);
            progress.Advance(records);
        }
    }

    private static SegmentWindow OpenSegment(string path, long nameFirst, long expected, int maxRecordBytes)
    {
        SegmentWindow segment = SegmentWindow.TryOpen(path, ScanBufferBytes, maxRecordBytes, out string? problem)
            ?? throw new EventLogCorruptedException(path, 0, expected, problem!);
        if (segment.Header.FirstPosition != nameFirst || nameFirst != expected)
        {
            segment.Dispose();
            throw new EventLogCorruptedException(path, 0, expected,
                $"the segment starts at position {segment.Header.FirstPosition} (named {nameFirst}) but position {expected} was expected next (a gap or a misplaced file)");
        }

        return segment;
    }

    private readonly record struct ActiveScan(long End, long TornBytes);

    // Scans the last segment record by record, indexing each into building; returns where its last whole record ends
    // and how many bytes follow.
    private static ActiveScan ScanActiveSegment(EventLogOptions options, ILogger logger, string path, long nameFirst, SegmentIndexBuilder building, ref long expected, ref long lastCommandSequence)
    {
        if (new FileInfo(path).Length < EventSegmentHeader.Size && nameFirst == expected)
        {
            // A crash while the segment was being created: records go in only after its header is durable, so none
            // was ever appended to it. Write the header again.
            File.Delete(path);
            CreateSegment(path, nameFirst).Dispose();
            Log.SegmentHeaderRewritten(logger, path);
            return new ActiveScan(EventSegmentHeader.Size, 0);
        }

        using SegmentWindow segment = OpenSegment(path, nameFirst, expected, options.MaxRecordBytes);
        long offset = EventSegmentHeader.Size;
        while (true)
        {
            RecordStatus status = segment.TryReadRecord(offset, backward: false, out EventRecordHeader header, out ReadOnlySpan<byte> record);
            if (status == RecordStatus.Valid)
            {
                if (header.Position != expected)
                {
                    throw new EventLogCorruptedException(path, offset, expected, $"the record carries position {header.Position}");
                }

                building.Add(header, record, offset);

                lastCommandSequence = header.CommandSequence;
                expected++;
                offset += header.Length;
                continue;
            }

            if (offset == segment.FileLength)
            {
                return new ActiveScan(offset, 0);
            }

            // A damaged length can make a record look longer than the file (Incomplete): only a record with nothing
            // valid after it is a torn tail.
            if (segment.HasValidRecordAfter(offset, expected - 1))
            {
                throw new EventLogCorruptedException(path, offset, expected, status == RecordStatus.Incomplete
                    ? "the record's length runs past the end of the file and valid records follow it"
                    : "the record's length, fields or CRC-32C are wrong and valid records follow it");
            }

            long torn = segment.FileLength - offset;
            Log.TornTailTruncated(logger, path, offset, expected - 1, torn);
            return new ActiveScan(offset, torn);
        }
    }
}
