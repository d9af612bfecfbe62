using System;
using Pipeline.Ingest;
using Pipeline.Application;
using Pipeline.Protocol;

namespace Pipeline.Hosting.Engine;

/// <summary>
/// The envelope of a ring entry: a command as received (or replayed), then what each stage adds to it: the journal's
/// sequence and timestamp, the outcome, the event positions. <see cref="CommandEntry{TCommand, TEvent}"/> adds the application's part.
/// </summary>
/// <remarks>
/// Pre-allocated and reused: the byte buffers grow to the largest type/payload seen and are kept. Each field is
/// written by one stage and read only by the stages after it (the ring's barriers order those accesses).
/// </remarks>
internal class CommandEvent
{
    private byte[] _type = new byte[32];
    private byte[] _payload = new byte[256];

    // Written by the publisher (connection or replay).
    public IngestConnection? Connection { get; set; }

    public bool IsReplay { get; set; }

    /// <summary>A tick record (<see cref="EngineRecords.Tick"/>): journal time for the flows, no command.</summary>
    public bool IsTick { get; set; }

    public long ReceivedTimestamp { get; set; }

    public ulong ProducerId { get; set; }

    public ulong ProducerSequence { get; set; }

    public ushort SchemaVersion { get; set; }

    public int TypeLength { get; private set; }

    public int PayloadLength { get; private set; }

    public ReadOnlySpan<byte> Type => _type.AsSpan(0, TypeLength);

    public ReadOnlySpan<byte> Payload => _payload.AsSpan(0, PayloadLength);

    // Written by the journal stage (for a replayed event: by the publisher, from the journal record).
    public long Sequence { get; set; }

    public long TimestampTicks { get; set; }

    public AckStatus Status { get; set; }

    public string Detail { get; set; } = string.Empty;

    // Written by the decode stage: why the payload did not decode (the command is then REJECTED with it), or null.
    public string? DecodeError { get; set; }

    // Written by the decode stage with DecodeError when the payload's schema says where and why (the member's path);
    // sent after the reason code to protocol version 4 connections. Null otherwise.
    public string? Explanation { get; set; }

    // Written by the event store stage: the positions of the command's events (0 and 0 when it has none).
    public long FirstPosition { get; set; }

    public long LastPosition { get; set; }

    public void SetType(ReadOnlySpan<byte> type)
    {
        if (type.Length > _type.Length)
        {
            _type = new byte[Math.Max(type.Length, _type.Length * 2)];
        }

        type.CopyTo(_type);
        TypeLength = type.Length;
    }

    public void SetPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _payload.Length)
        {
            _payload = new byte[Math.Max(payload.Length, _payload.Length * 2)];
        }

        payload.CopyTo(_payload);
        PayloadLength = payload.Length;
    }

    /// <summary>Clears what the stages write, before the publisher fills the entry again.</summary>
    public virtual void ResetOutcome()
    {
        Sequence = 0;
        TimestampTicks = 0;
        Status = AckStatus.Ok;
        Detail = string.Empty;
        DecodeError = null;
        Explanation = null;
        FirstPosition = 0;
        LastPosition = 0;
    }

    /// <summary>Forgets the events a failed decision emitted, so that none is stored.</summary>
    public virtual void ClearEvents()
    {
    }
}

/// <summary>A ring entry of an application: the envelope, the decoded command and the events its decision emitted.</summary>
/// <typeparam name="TCommand">The application's command.</typeparam>
/// <typeparam name="TEvent">The application's event.</typeparam>
internal sealed class CommandEntry<TCommand, TEvent> : CommandEvent
{
    // Written by the decode stage.
    public TCommand Command = default!;

    // Written by the application stage: the decision's events (empty when rejected) and their stream versions.
    public EventSink<TEvent> Events { get; } = new();

    // Written by the application stage when the event store is on: the events as the log stores them.
    public EncodedEvents Encoded { get; } = new();

    public long[] StreamVersions { get; private set; } = new long[4];

    // Written by the application stage: the flows' results and late events, stored after the command's own events
    // (Encoded from index Events.Count on), for the view of the latest results on the read-model thread.
    public System.Collections.Generic.List<StreamOutput> StreamOutputs { get; } = [];

    public void SetStreamVersion(int index, long version)
    {
        if (index >= StreamVersions.Length)
        {
            long[] grown = new long[Math.Max(index + 1, StreamVersions.Length * 2)];
            StreamVersions.CopyTo(grown, 0);
            StreamVersions = grown;
        }

        StreamVersions[index] = version;
    }

    public override void ClearEvents()
    {
        Events.Clear();
        Encoded.Clear();
        StreamOutputs.Clear();
    }

    public override void ResetOutcome()
    {
        base.ResetOutcome();
        Command = default!;
        Events.Clear();
        Encoded.Clear();
        StreamOutputs.Clear();
    }
}
