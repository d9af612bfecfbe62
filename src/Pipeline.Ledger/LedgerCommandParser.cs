using System;
using System.Text;
using System.Text.Json;
using Pipeline.Schemas.Upcasting;

namespace Pipeline.Ledger;

/// <summary>Decodes ledger command types and JSON payloads (every version, upcast to the newest) with <see cref="Utf8JsonReader"/>.</summary>
/// <remarks>Stateless and thread-safe: the decode stage runs it on several threads at once.</remarks>
public static class LedgerCommandParser
{
    [ThreadStatic]
    private static UpcastBuffers? t_scratch;

    // By LedgerCommandKind: the kind's index in LedgerUpcasters.Chain (-1: no steps).
    private static readonly int[] s_chainIndexes =
    [
        -1,
        LedgerUpcasters.Chain.IndexOf("ledger.open"),
        LedgerUpcasters.Chain.IndexOf("ledger.deposit"),
        LedgerUpcasters.Chain.IndexOf("ledger.withdraw"),
        LedgerUpcasters.Chain.IndexOf("ledger.transfer"),
    ];

    /// <summary>The first schema version of every ledger command (version 1 of shared/spec/protocol.md).</summary>
    public const ushort SchemaVersion = 1;

    /// <summary><c>ledger.deposit</c> version 2: version 1 plus an optional <c>reference</c> (a string of 1..128 characters).</summary>
    public const ushort DepositReferenceVersion = 2;

    /// <summary>The command kind for a type name, or <see cref="LedgerCommandKind.None"/> for an unknown type.</summary>
    public static LedgerCommandKind KindOf(ReadOnlySpan<byte> type)
    {
        if (type.SequenceEqual("ledger.open"u8))
        {
            return LedgerCommandKind.Open;
        }

        if (type.SequenceEqual("ledger.deposit"u8))
        {
            return LedgerCommandKind.Deposit;
        }

        if (type.SequenceEqual("ledger.withdraw"u8))
        {
            return LedgerCommandKind.Withdraw;
        }

        return type.SequenceEqual("ledger.transfer"u8) ? LedgerCommandKind.Transfer : LedgerCommandKind.None;
    }

    /// <summary>The type name of a kind.</summary>
    public static string TypeName(LedgerCommandKind kind) => kind switch
    {
        LedgerCommandKind.Open => "ledger.open",
        LedgerCommandKind.Deposit => "ledger.deposit",
        LedgerCommandKind.Withdraw => "ledger.withdraw",
        LedgerCommandKind.Transfer => "ledger.transfer",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be a ledger command."),
    };

    /// <summary>
    /// Parses the payload of a command of <paramref name="kind"/>. On failure returns false and the reject reason
    /// (<see cref="RejectReason.MalformedPayload"/> or <see cref="RejectReason.InvalidAmount"/>).
    /// </summary>
    public static bool TryParse(LedgerCommandKind kind, ReadOnlySpan<byte> payload, out LedgerCommand command, out string? reason) =>
        TryParse(kind, payload, null, out command, out reason);

    /// <summary>
    /// As <see cref="TryParse(LedgerCommandKind, ReadOnlySpan{byte}, out LedgerCommand, out string?)"/>, taking account
    /// ids that <paramref name="knownAccounts"/> holds from it instead of allocating them.
    /// </summary>
    public static bool TryParse(LedgerCommandKind kind, ReadOnlySpan<byte> payload, AccountIdTable? knownAccounts, out LedgerCommand command, out string? reason) =>
        TryParse(kind, payload, knownAccounts, out command, out _, out reason);

    /// <summary>
    /// As <see cref="TryParse(LedgerCommandKind, ReadOnlySpan{byte}, AccountIdTable?, out LedgerCommand, out string?)"/>,
    /// also giving the slots at which <paramref name="knownAccounts"/> found the command's accounts, for
    /// <see cref="LedgerState.Apply(in LedgerCommand, AccountHints, out AccountChange)"/>.
    /// </summary>
    public static bool TryParse(LedgerCommandKind kind, ReadOnlySpan<byte> payload, AccountIdTable? knownAccounts, out LedgerCommand command, out AccountHints hints, out string? reason) =>
        TryParse(kind, SchemaVersion, payload, knownAccounts, out command, out hints, out reason);

    /// <summary>
    /// Parses a payload written in <paramref name="schemaVersion"/> into the newest command shape: an older version is
    /// first upcast through <see cref="LedgerUpcasters.Chain"/> (a version 1 deposit is a version 2 deposit without a
    /// reference: in version 1 a <c>reference</c> member is unknown and ignored, as every unknown member is). In
    /// version 2 of a deposit the reference must be a string of 1..128 characters, or the payload is malformed.
    /// </summary>
    /// <remarks>The engine hands the decoder payloads already upcast; then nothing is upcast here.</remarks>
    public static bool TryParse(LedgerCommandKind kind, ushort schemaVersion, ReadOnlySpan<byte> payload, AccountIdTable? knownAccounts, out LedgerCommand command, out AccountHints hints, out string? reason)
    {
        int chainIndex = (uint)kind < (uint)s_chainIndexes.Length ? s_chainIndexes[(int)kind] : -1;
        if (LedgerUpcasters.Chain.Newest(chainIndex, schemaVersion) != schemaVersion)
        {
            payload = LedgerUpcasters.Chain.Upcast(chainIndex, schemaVersion, payload, t_scratch ??= new UpcastBuffers(), out _);
        }

        return TryParseNewest(kind, payload, knownAccounts, out command, out hints, out reason);
    }

    // The newest shape of every command; the reference only in a deposit.
    private static bool TryParseNewest(LedgerCommandKind kind, ReadOnlySpan<byte> payload, AccountIdTable? knownAccounts, out LedgerCommand command, out AccountHints hints, out string? reason)
    {
        bool takesReference = kind == LedgerCommandKind.Deposit;
        string? reference = null;
        command = default;
        hints = AccountHints.None;
        int accountSlot = -1;
        int fromSlot = -1;
        int toSlot = -1;
        string? account = null;
        string? from = null;
        string? to = null;
        long amount = 0;
        bool hasAmount = false;
        bool amountInvalid = false;
        long expectedVersion = -1;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = LedgerUpcasters.MaxCommandDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reason = RejectReason.MalformedPayload;
                return false;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    reason = RejectReason.MalformedPayload;
                    return false;
                }

                if (reader.ValueTextEquals("account"u8))
                {
                    if (!ReadAccount(ref reader, knownAccounts, ref account, ref accountSlot))
                    {
                        reason = RejectReason.MalformedPayload;
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("from"u8))
                {
                    if (!ReadAccount(ref reader, knownAccounts, ref from, ref fromSlot))
                    {
                        reason = RejectReason.MalformedPayload;
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("to"u8))
                {
                    if (!ReadAccount(ref reader, knownAccounts, ref to, ref toSlot))
                    {
                        reason = RejectReason.MalformedPayload;
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("amount"u8))
                {
                    if (hasAmount || !reader.Read() || reader.TokenType != JsonTokenType.Number)
                    {
                        reason = RejectReason.MalformedPayload;
                        return false;
                    }

                    hasAmount = true;
                    amountInvalid = !reader.TryGetInt64(out amount) || amount < 1 || amount > LedgerCommand.MaxAmount;
                }
                else if (takesReference && reader.ValueTextEquals("reference"u8))
                {
                    if (reference is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        reason = RejectReason.MalformedPayload;
                        return false;
                    }

                    reference = reader.GetString()!;
                    int scalars = 0;
                    foreach (Rune _ in reference.EnumerateRunes())
                    {
                        scalars++;
                    }

                    if (scalars is < 1 or > LedgerCommand.MaxReferenceLength)
                    {
                        reason = RejectReason.MalformedPayload;
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("expectedVersion"u8))
                {
                    if (expectedVersion != -1 || !reader.Read() || reader.TokenType != JsonTokenType.Number
                        || !reader.TryGetInt64(out expectedVersion) || expectedVersion < 0)
                    {
                        reason = RejectReason.MalformedPayload;
                        return false;
                    }
                }
                else
                {
                    // Unknown fields are ignored (forward compatibility), but must still be well-formed JSON.
                    if (!reader.Read())
                    {
                        reason = RejectReason.MalformedPayload;
                        return false;
                    }

                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                reason = RejectReason.MalformedPayload; // trailing content after the object
                return false;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            reason = RejectReason.MalformedPayload;
            return false;
        }

        if (!Assemble(kind, account, from, to, hasAmount, amountInvalid, amount, expectedVersion, out command, out reason))
        {
            return false;
        }

        if (reference is not null)
        {
            command = command with { Reference = reference };
        }

        hints = kind == LedgerCommandKind.Transfer ? new AccountHints(fromSlot, toSlot) : new AccountHints(accountSlot, -1);
        return true;
    }

    private static bool Assemble(LedgerCommandKind kind, string? account, string? from, string? to, bool hasAmount, bool amountInvalid, long amount, long expectedVersion, out LedgerCommand command, out string? reason)
    {
        command = default;
        switch (kind)
        {
            case LedgerCommandKind.Open:
                if (account is null)
                {
                    reason = RejectReason.MalformedPayload;
                    return false;
                }

                command = new LedgerCommand(kind, account, null, 0, expectedVersion);
                reason = null;
                return true;
            case LedgerCommandKind.Deposit:
            case LedgerCommandKind.Withdraw:
                if (account is null || !hasAmount)
                {
                    reason = RejectReason.MalformedPayload;
                    return false;
                }

                break;
            case LedgerCommandKind.Transfer:
                if (from is null || to is null || !hasAmount)
                {
                    reason = RejectReason.MalformedPayload;
                    return false;
                }

                account = from;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be a ledger command.");
        }

        if (amountInvalid)
        {
            reason = RejectReason.InvalidAmount;
            return false;
        }

        command = new LedgerCommand(kind, account, to, amount, expectedVersion);
        reason = null;
        return true;
    }

    // Unescaping never lengthens a JSON string, so an escaped value this long or shorter fits this buffer; a longer
    // one (at most MaxAccountLength scalars of 4 UTF-8 bytes, each up to 12 escaped bytes) takes the general path.
    private const int MaxEscapedAccountBytes = LedgerCommand.MaxAccountLength * 4;

    private static bool ReadAccount(ref Utf8JsonReader reader, AccountIdTable? knownAccounts, ref string? target, ref int slot)
    {
        if (target is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (knownAccounts is not null && !reader.HasValueSequence)
        {
            // A known id was valid when it was opened: its bytes need no unescaping, transcoding or scalar count.
            if (!reader.ValueIsEscaped)
            {
                if (knownAccounts.TryGet(reader.ValueSpan, out string known, out slot))
                {
                    target = known;
                    return true;
                }
            }
            else if (reader.ValueSpan.Length <= MaxEscapedAccountBytes)
            {
                Span<byte> unescaped = stackalloc byte[MaxEscapedAccountBytes];
                int length = reader.CopyString(unescaped);
                if (knownAccounts.TryGet(unescaped[..length], out string known, out slot))
                {
                    target = known;
                    return true;
                }
            }
        }

        string value = reader.GetString()!;
        if (!IsValidAccount(value))
        {
            return false;
        }

        target = value;
        return true;
    }

    private static bool IsValidAccount(ReadOnlySpan<char> value)
    {
        int scalars = 0;
        foreach (Rune _ in value.EnumerateRunes())
        {
            scalars++;
        }

        return scalars >= 1 && scalars <= LedgerCommand.MaxAccountLength;
    }
}
