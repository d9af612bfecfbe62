using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Pipeline.Consumers.Format;
using Pipeline.Consumers.Internal;
using DirectorySync = Pipeline.Journal.Internal.DirectorySync;
using SegmentIO = Pipeline.Journal.Internal.SegmentIO;

namespace Pipeline.Consumers;

public sealed partial class CheckpointStore
{
    /// <summary>The file holds more than max(this, 4 x live consumers) records: it is compacted.</summary>
    internal const int DefaultMinCompactionRecords = 4096;

    /// <summary>
    /// Opens (or creates) the checkpoint store in <paramref name="directory"/>, creating the folder if it is missing,
    /// and replays its file. A torn tail (a record cut short, or a damaged last record with nothing valid after it:
    /// a write that was never acknowledged) is cut off and logged (warning 1301); any other damage stops the open.
    /// </summary>
    /// <remarks>
    /// Blocks for one read of the whole file and for the fsyncs of a creation, repair or compaction. A temp file left
    /// by an interrupted compaction is deleted (warning 1304).
    /// </remarks>
    /// <param name="directory">The store's folder; it holds <c>checkpoints.log</c> and <c>checkpoints.lock</c>.</param>
    /// <param name="logger">Where recovery, compaction, resets and deletions are logged; none when null.</param>
    /// <param name="time">The clock for <see cref="ConsumerCheckpoint.UpdatedAtTicks"/>; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="CheckpointStoreCorruptedException">The header is damaged, or a damaged record has valid records after it.</exception>
    /// <exception cref="IOException">The folder or file cannot be used, or another store has the folder open.</exception>
    public static CheckpointStore Open(string directory, ILogger? logger = null, TimeProvider? time = null) =>
        Open(directory, logger, time, SegmentIO.Default, DefaultMinCompactionRecords);

    // The seam through which tests inject write and fsync failures and compact small files.
    internal static CheckpointStore Open(string directory, ILogger? logger, TimeProvider? time, SegmentIO io, int minCompactionRecords)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(io);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCompactionRecords, 1);
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        directory = Path.GetFullPath(directory);
        CreateDirectoryDurably(directory);
        FileStream lockFile = CheckpointFiles.AcquireLock(directory);
        SafeFileHandle? handle = null;
        CheckpointStore? store = null;
        try
        {
            string path = Path.Combine(directory, CheckpointFiles.LogFileName);
            string temp = Path.Combine(directory, CheckpointFiles.TempFileName);
            if (File.Exists(temp))
            {
                // Written before a rename that never happened: checkpoints.log (or its absence) is the whole truth.
                File.Delete(temp);
                Log.StrayTempFileDeleted(logger, temp);
            }

            if (!File.Exists(path))
            {
                Span<byte> header = stackalloc byte[CheckpointFileHeader.Size];
                CheckpointFileHeader.Write(header);
                ReplaceDurably(io, directory, temp, path, header).Dispose();
                Log.Created(logger, directory, path);
            }

            handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            var consumers = new Dictionary<string, ConsumerCheckpoint>(StringComparer.Ordinal);
            (long length, long records) = Replay(io, logger, handle, path, consumers);
            store = new CheckpointStore(directory, path, io, logger, time, lockFile, handle, consumers, length, records, minCompactionRecords);
            lock (store._gate)
            {
                store.MaybeCompactLocked();
                if (store._fault is not null)
                {
                    throw new IOException($"The checkpoint store in '{directory}' failed while it compacted its file on open.", store._fault);
                }

                Log.Opened(logger, directory, consumers.Count, store._records);
            }

            return store;
        }
        catch
        {
            if (store is not null)
            {
                store.Dispose(); // owns the handle (maybe a new one, after a compaction) and the lock
            }
            else
            {
                handle?.Dispose();
                lockFile.Dispose();
            }

            throw;
        }
    }

    // Creates the missing folders, then fsyncs the parent of each, so that the folder survives a crash with the file.
    private static void CreateDirectoryDurably(string directory)
    {
        var missing = new List<string>();
        for (string? d = directory; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
        {
            missing.Add(d);
        }

        if (missing.Count == 0)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        for (int i = missing.Count - 1; i >= 0; i--)
        {
            string? parent = Path.GetDirectoryName(missing[i]);
            if (parent is not null)
            {
                DirectorySync.Flush(parent);
            }
        }
    }

    // Writes bytes to temp, fsyncs it, renames it over path and fsyncs the folder: a crash leaves the old path (or
    // none) or the new one, each whole. Returns the handle, which after the rename is the file at path.
    private static SafeFileHandle ReplaceDurably(SegmentIO io, string directory, string temp, string path, ReadOnlySpan<byte> bytes)
    {
        SafeFileHandle handle = File.OpenHandle(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            io.Write(handle, bytes, 0);
            io.Flush(handle);
            File.Move(temp, path, overwrite: true); // rename(2): atomic, and it keeps the inode the handle has open
            DirectorySync.Flush(directory);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    // Reads the whole file, checks the header and applies every valid record (last record per name wins); cuts a
    // torn tail. Returns the length of the valid part and its record count.
    private static (long Length, long Records) Replay(SegmentIO io, ILogger logger, SafeFileHandle handle, string path, Dictionary<string, ConsumerCheckpoint> consumers)
    {
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength > Array.MaxLength)
        {
            // Compaction keeps the file at a few records per consumer: this is not a file the store wrote.
            throw new CheckpointStoreCorruptedException(path, 0, $"the file is {fileLength} bytes, more than a checkpoint file can hold ({Array.MaxLength})");
        }

        byte[] bytes = new byte[fileLength];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (n == 0)
            {
                throw new IOException($"{path} ended at {read} bytes while it was read; its length was {fileLength}.");
            }

            read += n;
        }

        if (!CheckpointFileHeader.TryValidate(bytes, out string? headerProblem))
        {
            throw new CheckpointStoreCorruptedException(path, 0, headerProblem!);
        }

        long records = 0;
        int offset = CheckpointFileHeader.Size;
        while (offset < bytes.Length)
        {
            ReadOnlySpan<byte> rest = bytes.AsSpan(offset);
            RecordStatus status = CheckpointRecord.Check(rest, out int length, out RecordProblem problem);
            if (status == RecordStatus.Valid)
            {
                Apply(consumers, CheckpointRecord.Read(rest[..length]));
                records++;
                offset += length;
                continue;
            }

            // A damaged length can make a record look longer than the file (Incomplete): only damage with nothing
            // valid after it is a torn tail, whatever it looks like.
            int validAt = FindValidRecordAfter(bytes, offset);
            if (validAt >= 0)
            {
                throw new CheckpointStoreCorruptedException(path, offset, $"{CheckpointRecord.Describe(problem, rest)}, and a valid record follows at offset {validAt}");
            }

            long torn = bytes.Length - offset;
            RandomAccess.SetLength(handle, offset);
            io.Flush(handle); // fdatasync also makes the new length durable
            Log.TornTailTruncated(logger, path, offset, torn);
            break;
        }

        return (offset, records);
    }

    // Tries every byte offset after a damaged record: cheap structural checks first, the CRC only when they pass.
    private static int FindValidRecordAfter(byte[] bytes, int damagedAt)
    {
        for (int offset = damagedAt + 1; offset <= bytes.Length - CheckpointRecord.MinLength; offset++)
        {
            if (CheckpointRecord.Check(bytes.AsSpan(offset), out _, out _) == RecordStatus.Valid)
            {
                return offset;
            }
        }

        return -1;
    }

    private static void Apply(Dictionary<string, ConsumerCheckpoint> consumers, in CheckpointRecord record)
    {
        if (record.Kind == CheckpointRecordKind.Delete)
        {
            consumers.Remove(record.Name);
        }
        else
        {
            consumers[record.Name] = new ConsumerCheckpoint(record.Name, record.Position, record.UpdatedAtTicks, record.Commits);
        }
    }
}
