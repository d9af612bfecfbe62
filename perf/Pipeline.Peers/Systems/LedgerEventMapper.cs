using System;
using System.Text.Json;

namespace Pipeline.Peers.Systems;

/// <summary>
/// Turns the workload's pre-encoded events into the typed records a Marten application appends: the type picks the
/// record, the JSON fills it, and the send timestamp rides along in the record.
/// </summary>
internal static class LedgerEventMapper
{
    /// <summary>The record types, for registering them with the event store up front.</summary>
    public static readonly Type[] EventTypes = [typeof(Deposited), typeof(Withdrawn), typeof(Transferred), typeof(Opened)];

    // Strict: a missing or null field is an error here rather than a record with a null account in the store.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The record for <paramref name="e"/>, with its <see cref="PeerEvent.Timestamp"/>.</summary>
    /// <exception cref="FormatException">The type is not one of the ledger's.</exception>
    /// <exception cref="JsonException">The data is not that type's JSON (a field missing, null or of the wrong kind).</exception>
    public static ILedgerEvent ToEvent(in PeerEvent e) => e.Type switch
    {
        "ledger.deposited" => Read<Deposited>(e) with { Timestamp = e.Timestamp },
        "ledger.withdrawn" => Read<Withdrawn>(e) with { Timestamp = e.Timestamp },
        "ledger.transferred" => Read<Transferred>(e) with { Timestamp = e.Timestamp },
        "ledger.opened" => Read<Opened>(e) with { Timestamp = e.Timestamp },
        _ => throw new FormatException($"'{e.Type}' is not a ledger event type (ledger.deposited, ledger.withdrawn, ledger.transferred, ledger.opened)"),
    };

    private static T Read<T>(in PeerEvent e)
        where T : class =>
        JsonSerializer.Deserialize<T>(e.Data.Span, s_json) ?? throw new JsonException($"the data of a {e.Type} event is null");
}
