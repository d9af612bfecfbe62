using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Pipeline.Core.Processing;
using Pipeline.Core.Sequencing;
using Pipeline.Ingest;
using Pipeline.Journal;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// Sends each command's ACK to its connection, in ring order (so in each connection's order), only once the
/// event is durable and processed; flushes the touched connections at the end of each batch, writing to their
/// sockets itself when their sender tasks are idle (<see cref="IngestConnection.FlushInline"/>).
/// </summary>
/// <remarks>
/// One thread, after the ledger stage. Under Batch durability the journal stage has already fsynced the batch; under
/// Interval it waits here for the durable sequence (a wait of at most the flush interval).
/// </remarks>
internal sealed class AckStage<TEntry> : IEventHandler<TEntry>
    where TEntry : CommandEvent
{
    private readonly Sequence _durable;
    private readonly JournalWriter _journal;
    private readonly PipelineMetrics _metrics;
    private readonly List<IngestConnection> _touched = new(64);
    private readonly Action<long, long>? _eventsVisible;
    private long _batchMark;
    private long _lastPosition;
    private long _through;
    private long _lastSequence;

    /// <param name="journal">Whose durable sequence gates the ACKs.</param>
    /// <param name="metrics">Counts the ACKs.</param>
    /// <param name="eventsVisible">
    /// Told, at the end of each batch, the last event position whose command is durable and the last command sequence
    /// passed (every command up to it has its events in the log and durable): null when there is no event store.
    /// </param>
    public AckStage(JournalWriter journal, PipelineMetrics metrics, Action<long, long>? eventsVisible = null)
    {
        _eventsVisible = eventsVisible;
        _journal = journal;
        _durable = journal.DurableSequence;
        _metrics = metrics;
    }

    /// <summary>The last journal sequence this stage has passed, at the end of a batch (any thread).</summary>
    public long Through => Volatile.Read(ref _through);

    public void OnEvent(ref TEntry entry, long sequence, bool endOfBatch)
    {
        IngestConnection? connection = entry.Connection;
        if (connection is not null && !entry.IsReplay)
        {
            if (entry.Status is AckStatus.Ok or AckStatus.Rejected && entry.Sequence > _durable.Value)
            {
                WaitForDurableSlow(entry.Sequence);
            }

            connection.SendAck(entry.ProducerSequence, (ulong)entry.Sequence, entry.Status, entry.Detail, entry.Status == AckStatus.Rejected ? entry.Explanation : null);
            _metrics.Acknowledged(Stopwatch.GetElapsedTime(entry.ReceivedTimestamp).TotalMilliseconds);
            if (connection.AckBatchMark != _batchMark)
            {
                connection.AckBatchMark = _batchMark;
                _touched.Add(connection);
            }

            entry.Connection = null; // do not keep a closed connection alive until the slot is reused
        }

        if (entry.LastPosition != 0)
        {
            // Durable: waited for above (a replayed command was durable before it was replayed).
            _lastPosition = entry.LastPosition;
        }

        if (entry.Sequence > _lastSequence)
        {
            _lastSequence = entry.Sequence; // a DUPLICATE carries the original's lower sequence, an INVALID 0
        }

        if (endOfBatch)
        {
            Volatile.Write(ref _through, _lastSequence);
            _eventsVisible?.Invoke(_lastPosition, _lastSequence);

            foreach (IngestConnection touched in _touched)
            {
                touched.FlushInline();
            }

            _touched.Clear();
            _batchMark++;
        }
    }

    private void WaitForDurableSlow(long sequence)
    {
        var spinner = default(SpinWait);
        while (_durable.Value < sequence)
        {
            if (_journal.Fault is { } fault)
            {
                // Never acknowledge what is not durable: this stage halts with the journal's failure.
                throw new JournalWriteFailedException("The journal failed; acknowledgements stop.", fault);
            }

            spinner.SpinOnce(sleep1Threshold: 20);
        }
    }
}
