using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Pipeline.Consumers.Format;
using Pipeline.Consumers.Internal;
using SegmentIO = Pipeline.Journal.Internal.SegmentIO;

namespace Pipeline.Consumers;

/// <summary>
/// The durable checkpoints of named consumers: the last event-log position each one processed, kept in one
/// append-only file (<c>checkpoints.log</c>) so that a consumer resumes after it across restarts and crashes.
/// </summary>
/// <remarks>
/// Any thread may call any member. <see cref="Commit"/>, <see cref="Reset"/> and <see cref="Delete"/> return once
/// their record is fsynced; concurrent calls share fsyncs. The readers (<see cref="TryGet"/>, <see cref="List"/>)
/// return only durable state: they may block for an fsync in flight. A failed write or fsync is final: that call
/// throws <see cref="IOException"/>, every later one <see cref="InvalidOperationException"/>, and reopening the store
/// recovers what reached the disk. One store at a time may have a folder open (a lock file keeps others out, in any
/// process). The file format is in <c>docs/consumers.md</c>.
/// </remarks>
// Design: shared by every connection's thread; one lock (_gate) guards every mutable field, and every access to
// them holds it, so no field needs a fence of its own. The one thing done outside the lock is the fsync:
//  - A call decides under the lock (against the newest accepted state), appends its record with one positional
//    write at _length, updates _consumers and takes the ticket _written (the count of records written so far).
//    It then waits, outside the lock, until a finished fsync covers that ticket (_durable >= ticket).
//  - Group commit: a waiter that finds no fsync running becomes the syncer: it sets _syncing, notes
//    target = _written, releases the lock for the fsync, then takes it back, sets _durable = target and wakes
//    every waiter (Monitor.PulseAll). Waiters whose records were written during that fsync elect the next syncer.
//    A lone commit costs one fsync; a burst of N concurrent commits about two instead of N, because records
//    written while an fsync runs all ride on the next one. The test Commit_WhileAnFsyncRuns_LaterCommitsShareTheNextFsync
//    shows it. Group commit over a plain lock around write + fsync: a lock would serialise N committers into N
//    fsyncs (each 0.05 to 10 ms depending on the disk), and the group commit costs only this one loop. Not
//    benchmarked: the decision does not depend on the number, only on fsync not being free.
//  - A call whose answer needs no write (a commit at or behind the checkpoint, a read, a delete of a missing
//    consumer) still waits for the ticket of everything written before it decided: the state it saw may still be
//    in flight, and a caller must never see (or be refused by) a checkpoint that a crash could still take away.
//  - Only the syncer uses _handle outside the lock, and the handle is replaced (compaction) or closed (Dispose)
//    only under the lock while no fsync runs (_syncing false), so the syncer's handle stays open.
//  - Compaction runs under the lock while no fsync runs; it stalls calls for its fsyncs and rename, about once per
//    4096 records. Afterwards everything accepted is in the new, fsynced file, so _durable = _written.
//  - A failed write or fsync sets _fault for good: after a failed fsync the kernel may have dropped the dirty pages,
//    so nothing written since the last good fsync can be trusted to be on disk; reopening replays the file.
public sealed partial class CheckpointStore : IDisposable
{
    private readonly object _gate = new();
    private readonly string _directory;
    private readonly string _path;
    private readonly SegmentIO _io;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FileStream _lock;
    private readonly int _minCompactionRecords;
    private readonly Dictionary<string, ConsumerCheckpoint> _consumers;
    private SafeFileHandle _handle;
    private long _length; // the file's length: the next record goes here
    private long _records; // records in the file, superseded ones included
    private long _nextCompactionAt; // after a failed compaction, no new attempt before the file holds this many records
    private long _written; // records handed to the OS since the store was opened (a record's ticket is the count after it)
    private long _durable; // the highest ticket a finished fsync covers
    private bool _syncing;
    private Exception? _fault;
    private bool _disposed;

    private CheckpointStore(string directory, string path, SegmentIO io, ILogger logger, TimeProvider time, FileStream lockFile, SafeFileHandle handle, Dictionary<string, ConsumerCheckpoint> consumers, long length, long records, int minCompactionRecords)
    {
        _directory = directory;
        _path = path;
        _io = io;
        _logger = logger;
        _time = time;
        _lock = lockFile;
        _handle = handle;
        _consumers = consumers;
        _length = length;
        _records = records;
        _minCompactionRecords = minCompactionRecords;
    }

    /// <summary>The checkpoint file's path.</summary>
    public string FilePath => _path;

    /// <summary>Records in the file, superseded ones included (for tests and diagnostics).</summary>
    internal long RecordCount
    {
        get
        {
            lock (_gate)
            {
                return _records;
            }
        }
    }

    /// <summary>Called (holding the lock) each time a caller starts waiting for another caller's fsync; a test hook.</summary>
    internal Action? WaitingForFsync { get; set; }

    /// <summary>Whether <paramref name="name"/> may name a consumer: 1 to 128 ASCII letters, digits, '.', '_' or '-'.</summary>
    /// <param name="name">The name to check.</param>
    /// <param name="error">Why it may not, as a sentence for a client; null when it may.</param>
    public static bool IsValidName(string name, out string? error) => ConsumerName.IsValid(name, out error);

    /// <summary>Gets the durable checkpoint of <paramref name="consumer"/>; false when no such consumer exists.</summary>
    /// <remarks>May block while an fsync of a record written before the call completes.</remarks>
    /// <exception cref="ArgumentException">The name breaks the rule of <see cref="IsValidName"/>.</exception>
    public bool TryGet(string consumer, out ConsumerCheckpoint checkpoint)
    {
        ConsumerName.ThrowIfInvalid(consumer, nameof(consumer));
        bool found;
        long ticket;
        lock (_gate)
        {
            ThrowIfUnusable();
            found = _consumers.TryGetValue(consumer, out checkpoint);
            ticket = _written;
        }

        WaitDurable(ticket);
        return found;
    }

    /// <summary>Every consumer's durable checkpoint, sorted by name (ordinal).</summary>
    /// <remarks>A snapshot: allocates a new list. May block while an fsync of a record written before the call completes.</remarks>
    public IReadOnlyList<ConsumerCheckpoint> List()
    {
        ConsumerCheckpoint[] all;
        long ticket;
        lock (_gate)
        {
            ThrowIfUnusable();
            all = new ConsumerCheckpoint[_consumers.Count];
            _consumers.Values.CopyTo(all, 0);
            ticket = _written;
        }

        WaitDurable(ticket);
        Array.Sort(all, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return all;
    }

    /// <summary>
    /// Moves the checkpoint of <paramref name="consumer"/> forward to <paramref name="position"/> (creating the
    /// consumer if it does not exist) and returns once that is durable.
    /// </summary>
    /// <remarks>
    /// A position behind the checkpoint is not applied (a checkpoint never moves backwards): the result says so and
    /// carries the newer checkpoint. The same position again is applied without a write. Blocks for an fsync, shared
    /// with concurrent callers.
    /// </remarks>
    /// <exception cref="ArgumentException">The name breaks the rule of <see cref="IsValidName"/>, or the position is negative.</exception>
    /// <exception cref="IOException">The write or fsync failed: the commit is not known to be durable, and the store accepts nothing more.</exception>
    /// <exception cref="InvalidOperationException">The store failed earlier.</exception>
    public CommitResult Commit(string consumer, long position)
    {
        ConsumerName.ThrowIfInvalid(consumer, nameof(consumer));
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        CommitResult result;
        long ticket;
        lock (_gate)
        {
            ThrowIfUnusable();
            bool found = _consumers.TryGetValue(consumer, out ConsumerCheckpoint current);
            if (found && position <= current.Position)
            {
                result = new CommitResult(position == current.Position, current);
            }
            else
            {
                var next = new ConsumerCheckpoint(consumer, position, _time.GetUtcNow().UtcTicks, found ? current.Commits + 1 : 1);
                WriteRecordLocked(CheckpointRecordKind.Commit, next);
                _consumers[consumer] = next;
                MaybeCompactLocked();
                result = new CommitResult(true, next);
            }

            ticket = _written;
        }

        WaitDurable(ticket);
        return result;
    }

    /// <summary>
    /// Sets the checkpoint of <paramref name="consumer"/> to <paramref name="position"/>, backwards too (an operator's
    /// decision: the consumer processes the events after it again), creating the consumer if it does not exist.
    /// </summary>
    /// <remarks>Always writes a record; returns once it is durable. Logged (event id 1308). The commit count is kept.</remarks>
    /// <exception cref="ArgumentException">The name breaks the rule of <see cref="IsValidName"/>, or the position is negative.</exception>
    /// <exception cref="IOException">The write or fsync failed: the reset is not known to be durable, and the store accepts nothing more.</exception>
    /// <exception cref="InvalidOperationException">The store failed earlier.</exception>
    public ConsumerCheckpoint Reset(string consumer, long position)
    {
        ConsumerName.ThrowIfInvalid(consumer, nameof(consumer));
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ConsumerCheckpoint next;
        bool found;
        ConsumerCheckpoint previous;
        long ticket;
        lock (_gate)
        {
            ThrowIfUnusable();
            found = _consumers.TryGetValue(consumer, out previous);
            next = new ConsumerCheckpoint(consumer, position, _time.GetUtcNow().UtcTicks, found ? previous.Commits : 0);
            WriteRecordLocked(CheckpointRecordKind.Reset, next);
            _consumers[consumer] = next;
            MaybeCompactLocked();
            ticket = _written;
        }

        WaitDurable(ticket);
        Log.Reset(_logger, consumer, position, found ? previous.Position.ToString(CultureInfo.InvariantCulture) : "none: created");
        return next;
    }

    /// <summary>Deletes <paramref name="consumer"/> and its checkpoint; false when no such consumer exists.</summary>
    /// <remarks>Returns once the deletion is durable. Logged (event id 1309). A later commit by the name starts a new consumer.</remarks>
    /// <exception cref="ArgumentException">The name breaks the rule of <see cref="IsValidName"/>.</exception>
    /// <exception cref="IOException">The write or fsync failed: the deletion is not known to be durable, and the store accepts nothing more.</exception>
    /// <exception cref="InvalidOperationException">The store failed earlier.</exception>
    public bool Delete(string consumer)
    {
        ConsumerName.ThrowIfInvalid(consumer, nameof(consumer));
        bool found;
        ConsumerCheckpoint current;
        long ticket;
        lock (_gate)
        {
            ThrowIfUnusable();
            found = _consumers.TryGetValue(consumer, out current);
            if (found)
            {
                WriteRecordLocked(CheckpointRecordKind.Delete, current with { UpdatedAtTicks = _time.GetUtcNow().UtcTicks });
                _consumers.Remove(consumer);
                MaybeCompactLocked();
            }

            ticket = _written;
        }

        WaitDurable(ticket);
        if (found)
        {
            Log.Deleted(_logger, consumer, current.Position);
        }

        return found;
    }

    /// <summary>Fsyncs what is written and not yet durable, then closes the file and releases the folder's lock.</summary>
    /// <remarks>Waits for an fsync in flight. Calls after it throw <see cref="ObjectDisposedException"/>.</remarks>
    public void Dispose()
    {
        Monitor.Enter(_gate);
        try
        {
            if (_disposed)
            {
                return;
            }

            while (_syncing)
            {
                Monitor.Wait(_gate);
            }

            // A caller may have written and not yet reached WaitDurable: sync for it, so that it returns normally.
            if (_fault is null && _durable < _written)
            {
                try
                {
                    _io.Flush(_handle);
                    _durable = _written;
                }
                catch (IOException ex)
                {
                    Fail("fsync", ex);
                }
            }

            _disposed = true;
            Monitor.PulseAll(_gate);
            _handle.Dispose();
            _lock.Dispose();
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    // Appends one record at the end of the file (no fsync) and gives it the next ticket; a failed write is final.
    private void WriteRecordLocked(CheckpointRecordKind kind, in ConsumerCheckpoint checkpoint)
    {
        Span<byte> buffer = stackalloc byte[CheckpointRecord.MaxLength];
        int length = new CheckpointRecord(kind, checkpoint.Name, checkpoint.Position, checkpoint.UpdatedAtTicks, checkpoint.Commits).Write(buffer);
        try
        {
            _io.Write(_handle, buffer[..length], _length);
        }
        catch (IOException ex)
        {
            Fail("write", ex);
            throw;
        }

        _length += length;
        _records++;
        _written++;
    }

    // Returns once a finished fsync covers ticket; the first waiter that finds none running runs one for everyone.
    private void WaitDurable(long ticket)
    {
        Monitor.Enter(_gate);
        try
        {
            while (_durable < ticket)
            {
                if (_fault is not null)
                {
                    throw new IOException($"The checkpoint store could not make its file {_path} durable: the change is not known to be on disk, and the store accepts nothing more until it is reopened.", _fault);
                }

                ObjectDisposedException.ThrowIf(_disposed, this); // not reached: Dispose syncs or fails first
                if (_syncing)
                {
                    WaitingForFsync?.Invoke();
                    Monitor.Wait(_gate);
                }
                else
                {
                    SyncLocked();
                }
            }
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    // Called holding the lock with no fsync running; releases the lock for the fsync itself.
    private void SyncLocked()
    {
        _syncing = true;
        long target = _written;
        SafeFileHandle handle = _handle;
        IOException? failure = null;
        Monitor.Exit(_gate);
        try
        {
            _io.Flush(handle);
        }
        catch (IOException ex)
        {
            failure = ex;
        }
        finally
        {
            Monitor.Enter(_gate);
            _syncing = false;
            Monitor.PulseAll(_gate);
        }

        if (failure is not null)
        {
            Fail("fsync", failure);
            return; // the caller's loop throws for it, like for every other waiter
        }

        _durable = Math.Max(_durable, target);
        MaybeCompactLocked();
    }

    private void Fail(string operation, Exception exception)
    {
        _fault ??= exception;
        Log.WriteFailed(_logger, exception, operation, _path);
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is not null)
        {
            throw new InvalidOperationException("The checkpoint store failed to write or fsync earlier and accepts nothing more; reopen it to recover.", _fault);
        }
    }
}
