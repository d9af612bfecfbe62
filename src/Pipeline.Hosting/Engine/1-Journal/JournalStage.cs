using System;
using System.Text;
using System.Threading;
using Pipeline.Application;
using Pipeline.Core.Processing;
using Pipeline.Journal;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The single journaling producer: refuses what must not be journaled (INVALID, DUPLICATE), gives every other
/// command the next global sequence and appends it, and commits once per batch (group commit on endOfBatch).
/// </summary>
/// <remarks>
/// Runs on its own processor thread and is the journal's only writer. A journal failure is fatal: the exception
/// halts this stage, so nothing after the failure is ever acknowledged.
/// </remarks>
internal sealed class JournalStage<TEntry> : IEventHandler<TEntry>
    where TEntry : CommandEvent
{
    private readonly JournalWriter _journal;
    private readonly ProducerTable _producers;
    private readonly CommandTypes _types;
    private readonly int _maxPayloadBytes;
    private readonly PipelineMetrics _metrics;
    private readonly SlowCommitWatch _slowCommits;
    private bool _uncommitted;
    private long _head;

    public JournalStage(JournalWriter journal, ProducerTable producers, CommandTypes types, int maxPayloadBytes, PipelineMetrics metrics, SlowCommitWatch slowCommits)
    {
        _journal = journal;
        _producers = producers;
        _types = types;
        _maxPayloadBytes = maxPayloadBytes;
        _metrics = metrics;
        _slowCommits = slowCommits;
        _head = journal.LastSequence;
    }

    /// <summary>The highest sequence appended (any thread; for WELCOME's head_sequence only durable is reported).</summary>
    public long Head => Volatile.Read(ref _head);

    public void OnEvent(ref TEntry entry, long sequence, bool endOfBatch)
    {
        if (entry.IsReplay)
        {
            // Already in the journal: only the de-duplication table learns from it.
            if (entry.ProducerId != 0)
            {
                _producers.Set(entry.ProducerId, entry.ProducerSequence, entry.Sequence);
            }
        }
        else
        {
            Journal(entry);
        }

        if (endOfBatch && _uncommitted)
        {
            _uncommitted = false;
            Commit();
        }
    }

    private void Commit()
    {
        TimeProvider time = _slowCommits.Time;
        long start = time.GetTimestamp();
        _journal.Commit();
        TimeSpan elapsed = time.GetElapsedTime(start);
        _metrics.Committed(elapsed.TotalMilliseconds);
        _slowCommits.Observe(elapsed);
    }

    private void Journal(CommandEvent entry)
    {
        if (entry.IsTick)
        {
            Append(entry, EngineRecords.Tick, EngineRecords.TickSchemaVersion, ReadOnlySpan<byte>.Empty);
            return;
        }

        string? invalid = Validate(entry);
        if (invalid is not null)
        {
            entry.Status = AckStatus.Invalid;
            entry.Detail = invalid;
            entry.Sequence = 0;
            _metrics.Invalid();
            return;
        }

        if (entry.ProducerId != 0 && _producers.TryGet(entry.ProducerId, out ProducerRecord known)
            && entry.ProducerSequence <= known.LastProducerSequence)
        {
            entry.Status = AckStatus.Duplicate;
            entry.Detail = string.Empty;
            entry.Sequence = entry.ProducerSequence == known.LastProducerSequence ? known.Sequence : 0;
            _metrics.Duplicate();
            return;
        }

        Append(entry, entry.Type, entry.SchemaVersion, entry.Payload);
    }

    private void Append(CommandEvent entry, ReadOnlySpan<byte> type, ushort schemaVersion, ReadOnlySpan<byte> payload)
    {
        long journaled = _journal.Append(type, schemaVersion, entry.ProducerId, entry.ProducerSequence, payload);
        entry.Sequence = journaled;
        entry.TimestampTicks = _journal.LastTimestampTicks;
        if (entry.ProducerId != 0)
        {
            _producers.Set(entry.ProducerId, entry.ProducerSequence, journaled);
        }

        Volatile.Write(ref _head, journaled);
        _uncommitted = true;
        _metrics.Journaled(type.Length + payload.Length + RecordOverheadBytes);
    }

    private const int RecordOverheadBytes = 48;

    private string? Validate(CommandEvent entry)
    {
        if (entry.ProducerId != 0 && entry.ProducerSequence == 0)
        {
            return "producer_seq 0 is not allowed with a non-zero producer_id";
        }

        int index = _types.IndexOf(entry.Type);
        if (index < 0)
        {
            return $"unknown type '{Encoding.UTF8.GetString(entry.Type)}'";
        }

        CommandType type = _types[index];
        if (!type.Accepts(entry.SchemaVersion))
        {
            return $"unsupported schema_version {entry.SchemaVersion} (supported: {type.Supported})";
        }

        if (entry.PayloadLength > _maxPayloadBytes)
        {
            return $"payload of {entry.PayloadLength} bytes is above the limit of {_maxPayloadBytes}";
        }

        return null;
    }

    public void OnShutdown()
    {
        if (_uncommitted)
        {
            _uncommitted = false;
            Commit();
        }

        _slowCommits.ReportPending();
    }
}
