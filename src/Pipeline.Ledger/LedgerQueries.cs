using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Application;

namespace Pipeline.Ledger;

/// <summary>
/// The ledger's queries: <c>ledger.balance</c> (now, from the read model; or as of a command sequence or a time,
/// from the account's stream of events) and <c>ledger.totals</c>.
/// </summary>
/// <remarks>Thread-safe: called on connection threads while the engine feeds the read model.</remarks>
public sealed class LedgerQueries : IQueryHandler
{
    private readonly LedgerReadModel _model;
    private readonly IStoredEventReader? _events;

    /// <summary>Answers from <paramref name="model"/>, and time travel from <paramref name="events"/> (null: no event store, so no <c>asOf</c>).</summary>
    public LedgerQueries(LedgerReadModel model, IStoredEventReader? events)
    {
        _model = model;
        _events = events;
    }

    /// <inheritdoc />
    public string? Prepare(string name, ReadOnlySpan<byte> args, out object? prepared)
    {
        prepared = null;
        if (name == "ledger.balance")
        {
            if (!TryReadBalanceArgs(args, out BalanceQuery? query, out string error))
            {
                return error;
            }

            if (query!.IsTimeTravel && _events is null)
            {
                return "asOf and asOfTime need the event store, which is off";
            }

            prepared = query;
            return null;
        }

        if (name == "ledger.totals")
        {
            return IsJsonObject(args) ? null : "args must be a JSON object";
        }

        return $"unknown query '{name}'";
    }

    /// <inheritdoc />
    public ValueTask<QueryAnswer> Execute(object? prepared, CancellationToken cancellationToken)
    {
        if (prepared is not BalanceQuery query)
        {
            LedgerReadModel.Totals totals = _model.CurrentTotals;
            return Ok(string.Create(CultureInfo.InvariantCulture, $"{{\"accounts\":{totals.Accounts},\"balance\":{totals.Balance}}}"));
        }

        long balance;
        long version;
        if (query.IsTimeTravel)
        {
            if (!TryReadAsOf(query, out balance, out version))
            {
                return NotFound(query.Account);
            }
        }
        else if (_model.TryGetAccount(query.Account, out LedgerReadModel.AccountView view))
        {
            balance = view.Balance;
            version = view.Version;
        }
        else
        {
            return NotFound(query.Account);
        }

        return ValueTask.FromResult(new QueryAnswer(0, Json(w =>
        {
            w.WriteString("account", query.Account);
            w.WriteNumber("balance", balance);
            w.WriteNumber("version", version);
        })));
    }

    // The account's state as of the query's point is the last of its events at or before it: every ledger event
    // carries the balance it left, and its stream version is the account's version.
    private bool TryReadAsOf(BalanceQuery query, out long balance, out long version)
    {
        long found = 0;
        long lastBalance = 0;
        _events!.ReadStream(LedgerState.StreamPrefix + query.Account, query.AsOfSequence, query.AsOfTicks, (ReadOnlySpan<byte> type, ushort schemaVersion, ReadOnlySpan<byte> payload, in EventContext context) =>
        {
            lastBalance = ReadBalance(payload);
            found = context.StreamVersion;
            return true;
        });
        balance = lastBalance;
        version = found;
        return found > 0;
    }

    private static long ReadBalance(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("balance"u8))
            {
                reader.Read();
                return reader.GetInt64();
            }
        }

        return 0; // ledger.opened: a new account holds nothing
    }

    private static ValueTask<QueryAnswer> Ok(string body) => ValueTask.FromResult(new QueryAnswer(0, Encoding.UTF8.GetBytes(body)));

    private static ValueTask<QueryAnswer> NotFound(string account) => ValueTask.FromResult(new QueryAnswer(1, Json(w =>
    {
        w.WriteString("account", account);
        w.WriteString("error", "no such account");
    })));

    private static bool TryReadBalanceArgs(ReadOnlySpan<byte> args, out BalanceQuery? query, out string error)
    {
        query = null;
        error = "args must be {\"account\": \"...\"}, optionally with \"asOf\": <sequence> or \"asOfTime\": \"<ISO 8601 time>\"";
        string? account = null;
        long asOf = long.MaxValue;
        long asOfTicks = long.MaxValue;
        try
        {
            var reader = new Utf8JsonReader(args);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int field = reader.ValueTextEquals("account"u8) ? 1 : reader.ValueTextEquals("asOf"u8) ? 2 : reader.ValueTextEquals("asOfTime"u8) ? 3 : 0;
                if (!reader.Read())
                {
                    return false;
                }

                switch (field)
                {
                    case 1:
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            error = "account must be a string";
                            return false;
                        }

                        account = reader.GetString();
                        break;
                    case 2:
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out asOf) || asOf < 0)
                        {
                            error = "asOf must be a command sequence (an integer, 0 or more)";
                            return false;
                        }

                        break;
                    case 3:
                        if (reader.TokenType != JsonTokenType.String || !DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time))
                        {
                            error = "asOfTime must be an ISO 8601 time string, e.g. \"2026-12-07T12:00:00Z\"";
                            return false;
                        }

                        asOfTicks = time.UtcTicks;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            error = "args are not valid JSON";
            return false;
        }

        if (string.IsNullOrEmpty(account))
        {
            error = "account is required";
            return false;
        }

        query = new BalanceQuery(account, asOf, asOfTicks);
        return true;
    }

    private static bool IsJsonObject(ReadOnlySpan<byte> args)
    {
        try
        {
            var reader = new Utf8JsonReader(args);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed record BalanceQuery(string Account, long AsOfSequence, long AsOfTicks)
    {
        public bool IsTimeTravel => AsOfSequence != long.MaxValue || AsOfTicks != long.MaxValue;
    }
}
