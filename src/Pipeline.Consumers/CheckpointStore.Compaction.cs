using System;
using System.IO;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using Pipeline.Consumers.Format;
using Pipeline.Consumers.Internal;

namespace Pipeline.Consumers;

public sealed partial class CheckpointStore
{
    private const int CompactionRecordsPerConsumer = 4;

    // Every superseded record stays in the file until a compaction: allow max(min, 4 x live) so that the file stays
    // a few records per consumer and a compaction's cost is spread over at least as many records as it writes.
    private long CompactionThreshold => Math.Max(_minCompactionRecords, (long)CompactionRecordsPerConsumer * _consumers.Count);

    // Called holding the lock after the file grew (and on open). Compacts only while no fsync runs: the syncer uses
    // the handle outside the lock. A skipped compaction is retried after the next write or fsync.
    private void MaybeCompactLocked()
    {
        if (!_syncing && _fault is null && !_disposed && _records > CompactionThreshold && _records >= _nextCompactionAt)
        {
            CompactLocked();
        }
    }

    // Rewrites the file with one record per live consumer: checkpoints.log.tmp, fsync, rename over checkpoints.log,
    // fsync of the folder. A crash at any point leaves the old file or the new one whole (Open deletes a stray temp
    // file). A failure before the rename keeps the old file and is only logged; one at or after it is final, because
    // which file the name then points to is not known.
    private void CompactLocked()
    {
        long started = _time.GetTimestamp();
        long before = _records;
        ConsumerCheckpoint[] live = new ConsumerCheckpoint[_consumers.Count];
        _consumers.Values.CopyTo(live, 0);
        Array.Sort(live, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        byte[] bytes = new byte[CheckpointFileHeader.Size + ((long)live.Length * CheckpointRecord.MaxLength)];
        CheckpointFileHeader.Write(bytes);
        int length = CheckpointFileHeader.Size;
        foreach (ConsumerCheckpoint c in live)
        {
            // A commit record as the first for its name creates the consumer: one record restores it whole.
            length += new CheckpointRecord(CheckpointRecordKind.Commit, c.Name, c.Position, c.UpdatedAtTicks, c.Commits).Write(bytes.AsSpan(length));
        }

        string temp = Path.Combine(_directory, CheckpointFiles.TempFileName);
        SafeFileHandle fresh;
        try
        {
            fresh = File.OpenHandle(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CompactionFailed(ex, temp);
            return;
        }

        try
        {
            _io.Write(fresh, bytes.AsSpan(0, length), 0);
            _io.Flush(fresh);
        }
        catch (IOException ex)
        {
            fresh.Dispose();
            CompactionFailed(ex, temp);
            return;
        }

        try
        {
            File.Move(temp, _path, overwrite: true); // rename(2): atomic; fresh now has checkpoints.log open
            Journal.Internal.DirectorySync.Flush(_directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            fresh.Dispose();
            Fail("compaction", ex);
            return;
        }

        _handle.Dispose();
        _handle = fresh;
        _length = length;
        _records = live.Length;
        _nextCompactionAt = 0;
        _durable = _written; // everything accepted is in the new, fsynced file
        Monitor.PulseAll(_gate);
        double milliseconds = _time.GetElapsedTime(started).TotalMilliseconds;
        Log.Compacted(_logger, _path, before, live.Length, length, milliseconds);
    }

    private void CompactionFailed(Exception exception, string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Open deletes it; the next attempt overwrites it.
        }

        _nextCompactionAt = _records + CompactionThreshold;
        Log.CompactionFailed(_logger, exception, _path, _nextCompactionAt);
    }
}
