using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Pipeline.Journal.Format;
using Pipeline.Journal.Internal;

namespace Pipeline.Journal;

public sealed partial class JournalWriter
{
    private const int ScanBufferBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Opens (or creates) the journal in <see cref="JournalOptions.Directory"/> and recovers it: sealed segments are
    /// checked through their index (or scanned), the last segment is scanned record by record. A torn last record
    /// is truncated and logged with its offset; a damaged record with valid records after it, or a gap in the
    /// sequences, stops the open with <see cref="JournalCorruptedException"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option breaks a rule.</exception>
    /// <exception cref="JournalCorruptedException">The journal is damaged before its tail.</exception>
    /// <exception cref="IOException">The folder cannot be used, or another process has the journal open.</exception>
    public static JournalWriter Open(JournalOptions options, ILogger? logger = null, TimeProvider? time = null) =>
        Open(options, SegmentIO.Default, logger, time);

    // The seam through which tests inject write and fsync failures.
    internal static JournalWriter Open(JournalOptions options, SegmentIO io, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        Directory.CreateDirectory(options.Directory);
        FileStream lockFile = SegmentFiles.AcquireLock(options.Directory);
        try
        {
            File.Delete(Path.Combine(options.Directory, SegmentPreparer.SpareFileName)); // a crash's half-made spare

            List<(long FirstSequence, string Path)> segments = SegmentFiles.List(options.Directory);
            if (segments.Count == 0)
            {
                string path = SegmentFiles.SegmentPath(options.Directory, 1);
                SafeFileHandle fresh = CreateSegment(path, 1, time.GetUtcNow().UtcTicks);
                if (options.Preallocate)
                {
                    Preallocate(fresh, path, SegmentHeader.Size, options.SegmentSizeBytes, logger);
                }

                segments.Add((1, path));
                Log.Opened(logger, options.Directory, 1, 0, options.Durability);
                return new JournalWriter(options, io, logger, time, lockFile, segments, fresh, path, 1, SegmentHeader.Size, new SparseIndexBuilder(options.IndexIntervalRecords), 0, 0);
            }

            long expected = segments[0].FirstSequence;
            long lastTimestamp = 0;
            for (int i = 0; i < segments.Count - 1; i++)
            {
                (expected, lastTimestamp) = RecoverSealedSegment(options, logger, segments[i].Path, segments[i].FirstSequence, expected, lastTimestamp);
            }

            (long first, string activePath) = segments[^1];
            var index = new SparseIndexBuilder(options.IndexIntervalRecords);
            (long end, bool zeroTail) = RecoverActiveSegment(options, logger, activePath, first, ref expected, ref lastTimestamp, index);
            SafeFileHandle handle = File.OpenHandle(activePath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            try
            {
                long length = RandomAccess.GetLength(handle);
                if (length != end && !(zeroTail && options.Preallocate))
                {
                    // A torn tail is cut off (and so is zero space the options no longer want).
                    RandomAccess.SetLength(handle, end);
                    RandomAccess.FlushToDisk(handle);
                    length = end;
                }

                if (options.Preallocate && length < options.SegmentSizeBytes)
                {
                    Preallocate(handle, activePath, length, options.SegmentSizeBytes, logger);
                }
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            Log.Opened(logger, options.Directory, segments.Count, expected - 1, options.Durability);
            return new JournalWriter(options, io, logger, time, lockFile, segments, handle, activePath, first, end, index, expected - 1, lastTimestamp);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    // A sealed segment must be whole: its index (if valid and matching the file) vouches for it, else every record
    // is scanned and the index rebuilt. Returns the next expected sequence and the last timestamp.
    private static (long NextSequence, long LastTimestamp) RecoverSealedSegment(JournalOptions options, ILogger logger, string path, long nameFirst, long expected, long lastTimestamp)
    {
        using SegmentReader reader = SegmentReader.TryOpen(path, ScanBufferBytes, options.MaxRecordBytes, out string? problem)
            ?? throw new JournalCorruptedException(path, 0, expected, problem!);
        if (reader.Header.FirstSequence != nameFirst || nameFirst != expected)
        {
            throw new JournalCorruptedException(path, 0, expected, $"the segment starts at sequence {reader.Header.FirstSequence} but sequence {expected} was expected next (a gap or a misplaced file)");
        }

        string indexPath = SegmentFiles.IndexPath(path);
        if (SegmentIndexFile.TryRead(indexPath, out SegmentIndexData data)
            && data.FirstSequence == nameFirst && data.EndPosition == reader.FileLength && data.LastSequence >= nameFirst - 1)
        {
            // The last record's timestamp is needed to keep the journal clock monotonic; read it from the last index entry onwards.
            reader.Seek(data.Positions.Length > 0 ? data.Positions[^1] : SegmentHeader.Size);
            while (reader.TryReadNext(out RecordHeader header, out _) == RecordStatus.Valid)
            {
                lastTimestamp = header.TimestampTicks;
            }

            return (data.LastSequence + 1, lastTimestamp);
        }

        var index = new SparseIndexBuilder(options.IndexIntervalRecords);
        while (true)
        {
            long position = reader.Position;
            RecordStatus status = reader.TryReadNext(out RecordHeader header, out _);
            if (status != RecordStatus.Valid)
            {
                // A sealed segment is cut to its records when it is sealed, but zero space after them loses nothing:
                // the next segment must still start at the next sequence.
                if (position == reader.FileLength || (status == RecordStatus.Unwritten && reader.IsZeroFrom(position)))
                {
                    break;
                }

                throw new JournalCorruptedException(path, position, expected, status == RecordStatus.Incomplete
                    ? "a sealed segment ends inside a record"
                    : "the record's length or CRC-32C is wrong");
            }

            if (header.Sequence != expected)
            {
                throw new JournalCorruptedException(path, position, expected, $"the record carries sequence {header.Sequence}");
            }

            index.Add(header.Sequence, position);
            lastTimestamp = header.TimestampTicks;
            expected++;
        }

        SegmentIndexFile.Write(indexPath, index.Build(nameFirst, expected - 1, reader.FileLength));
        Log.IndexRebuilt(logger, indexPath);
        return (expected, lastTimestamp);
    }

    private static void Preallocate(SafeFileHandle handle, string path, long from, long size, ILogger logger)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        SegmentPreparer.ZeroFill(handle, from, size);
        double milliseconds = Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
        Log.Preallocated(logger, path, size, milliseconds);
    }

    // Scans the last segment; returns the length to keep (the end of the last valid record) and whether only zero
    // space (preallocated, unwritten) follows it.
    private static (long End, bool ZeroTail) RecoverActiveSegment(JournalOptions options, ILogger logger, string path, long nameFirst, ref long expected, ref long lastTimestamp, SparseIndexBuilder index)
    {
        SegmentReader? reader = SegmentReader.TryOpen(path, ScanBufferBytes, options.MaxRecordBytes, out string? problem);
        if (reader is null)
        {
            long length = new FileInfo(path).Length;
            if (length < SegmentHeader.Size && nameFirst == expected)
            {
                // A crash while the segment was being created: nothing was ever appended to it. Write the header again.
                File.Delete(path);
                CreateSegment(path, nameFirst, 0).Dispose();
                return (SegmentHeader.Size, false);
            }

            throw new JournalCorruptedException(path, 0, expected, problem!);
        }

        using (reader)
        {
            if (reader.Header.FirstSequence != nameFirst || nameFirst != expected)
            {
                throw new JournalCorruptedException(path, 0, expected, $"the segment starts at sequence {reader.Header.FirstSequence} but sequence {expected} was expected next (a gap or a misplaced file)");
            }

            while (true)
            {
                long position = reader.Position;
                RecordStatus status = reader.TryReadNext(out RecordHeader header, out _);
                if (status == RecordStatus.Valid)
                {
                    if (header.Sequence != expected)
                    {
                        throw new JournalCorruptedException(path, position, expected, $"the record carries sequence {header.Sequence}");
                    }

                    index.Add(header.Sequence, position);
                    lastTimestamp = header.TimestampTicks;
                    expected++;
                    continue;
                }

                if (position == reader.FileLength)
                {
                    return (position, false);
                }

                if (status == RecordStatus.Unwritten && reader.IsZeroFrom(position))
                {
                    return (position, true); // the preallocated space after the last record: a clean end
                }

                // A damaged length can also make the record look longer than the file (Incomplete): only a record
                // with nothing valid after it is a torn tail.
                if (reader.HasValidRecordAfter(position, expected - 1))
                {
                    throw new JournalCorruptedException(path, position, expected, status == RecordStatus.Incomplete
                        ? "the record's length runs past the end of the file and valid records follow it"
                        : "the record's length or CRC-32C is wrong and valid records follow it");
                }

                Log.TornTailTruncated(logger, path, position, expected - 1, reader.FileLength - position);
                return (position, false);
            }
        }
    }
}
