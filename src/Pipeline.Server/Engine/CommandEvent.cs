using System;
using Pipeline.Ingest;
using Pipeline.Ledger;
using Pipeline.Protocol;

namespace Pipeline.Server.Engine;

/// <summary>
/// One ring entry: a command as received (or replayed), then what each stage adds to it: the journal's sequence
/// and timestamp, the decoded command, the ledger's outcome and the changes it made (for the read model).
/// </summary>
/// <remarks>
/// Pre-allocated and reused: the byte buffers grow to the largest type/payload seen and are kept. Each field is
/// written by one stage and read only by the stages after it (the ring's barriers order those accesses).
/// </remarks>
internal sealed class CommandEvent
{
    private byte[] _type = new byte[32];
    private byte[] _payload = new byte[256];

    // Written by the publisher (connection or replay).
    public IngestConnection? Connection { get; set; }

    public bool IsReplay { get; set; }

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

    // Written by the decode stage.
    public LedgerCommand Command { get; set; }

    // Where the decoder found the command's accounts (slots), so that the ledger need not look them up by id.
    public AccountHints Hints { get; set; } = AccountHints.None;

    public string? DecodeError { get; set; }

    // Written by the ledger stage: the accounts an accepted command changed, with their new balance and version.
    public string? AccountA { get; set; }

    // The ledger's slot numbers of AccountA and AccountB (-1: none): the read model's array index for them.
    public int SlotA { get; set; } = -1;

    public int SlotB { get; set; } = -1;

    public long BalanceA { get; set; }

    public long VersionA { get; set; }

    public string? AccountB { get; set; }

    public long BalanceB { get; set; }

    public long VersionB { get; set; }

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
    public void ResetOutcome()
    {
        Sequence = 0;
        TimestampTicks = 0;
        Status = AckStatus.Ok;
        Detail = string.Empty;
        Command = default;
        Hints = AccountHints.None;
        DecodeError = null;
        AccountA = null;
        AccountB = null;
    }
}
