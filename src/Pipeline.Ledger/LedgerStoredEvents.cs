using System;
using System.Text.Json;
using Pipeline.Schemas.Upcasting;

namespace Pipeline.Ledger;

/// <summary>
/// Reads the ledger's stored events back into <see cref="LedgerEvent"/>s: what a consumer process (fed by a
/// subscription or a READ) needs to run the same flows as the service (<see cref="LedgerStreams"/>).
/// </summary>
public static class LedgerStoredEvents
{
    [ThreadStatic]
    private static UpcastBuffers? t_scratch;

    /// <summary>
    /// Decodes one stored event written in <paramref name="schemaVersion"/>: upcast through
    /// <see cref="LedgerUpcasters.Chain"/> to the newest version first (a version 1 <c>ledger.deposited</c> is version
    /// 2 without a reference). False for a type that is not one of the ledger's four (a window result, say) or a
    /// payload that does not match it.
    /// </summary>
    /// <param name="type">The stored type (<c>ledger.opened</c>, ...).</param>
    /// <param name="schemaVersion">The stored event's schema version.</param>
    /// <param name="stream">The stream id (<c>account-</c> + id).</param>
    /// <param name="streamVersion">The event's version in its stream.</param>
    /// <param name="payload">The stored JSON payload.</param>
    /// <param name="event">The event; its <see cref="LedgerEvent.Slot"/> is -1 (a slot belongs to the service's state).</param>
    public static bool TryRead(string type, ushort schemaVersion, string stream, long streamVersion, ReadOnlySpan<byte> payload, out LedgerEvent @event)
    {
        ArgumentNullException.ThrowIfNull(type);
        ReadOnlySpan<byte> newest = LedgerUpcasters.Chain.Upcast(type, schemaVersion, payload, t_scratch ??= new UpcastBuffers(), out _);
        return TryRead(type, stream, streamVersion, newest, out @event);
    }

    /// <summary>
    /// Decodes one stored event whose payload is in the newest version of its type (see the overload that takes
    /// the schema version, for events of any version); false for a type that is not one of the ledger's four (a
    /// window result, say) or a payload that does not match it.
    /// </summary>
    /// <param name="type">The stored type (<c>ledger.opened</c>, ...).</param>
    /// <param name="stream">The stream id (<c>account-</c> + id).</param>
    /// <param name="streamVersion">The event's version in its stream.</param>
    /// <param name="payload">The stored JSON payload.</param>
    /// <param name="event">The event; its <see cref="LedgerEvent.Slot"/> is -1 (a slot belongs to the service's state).</param>
    public static bool TryRead(string type, string stream, long streamVersion, ReadOnlySpan<byte> payload, out LedgerEvent @event)
    {
        @event = default;
        LedgerEventKind kind;
        switch (type)
        {
            case "ledger.opened":
                kind = LedgerEventKind.Opened;
                break;
            case "ledger.deposited":
                kind = LedgerEventKind.Deposited;
                break;
            case "ledger.withdrawn":
                kind = LedgerEventKind.Withdrawn;
                break;
            case "ledger.transferred":
                kind = LedgerEventKind.TransferredOut; // or In: decided by the account below
                break;
            default:
                return false;
        }

        string? account = null;
        string? from = null;
        string? to = null;
        long amount = 0;
        long balance = 0;
        string? reference = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string property = reader.GetString()!;
                reader.Read();
                switch (property)
                {
                    case "account":
                        account = reader.GetString();
                        break;
                    case "from":
                        from = reader.GetString();
                        break;
                    case "to":
                        to = reader.GetString();
                        break;
                    case "amount":
                        amount = reader.GetInt64();
                        break;
                    case "balance":
                        balance = reader.GetInt64();
                        break;
                    case "reference" when kind == LedgerEventKind.Deposited:
                        reference = reader.GetString(); // version 2 (the newest)
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }

        if (account is null || (kind == LedgerEventKind.TransferredOut && (from is null || to is null)))
        {
            return false;
        }

        if (kind == LedgerEventKind.TransferredOut && account == to && account != from)
        {
            kind = LedgerEventKind.TransferredIn;
        }

        @event = new LedgerEvent(kind, account, stream, amount, balance, streamVersion, from, to, Reference: reference);
        return true;
    }
}
