using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Ingest;
using Pipeline.Protocol;

namespace Pipeline.Server.Engine;

/// <summary>Answers QUERY frames from the read model: <c>ledger.balance</c> and <c>ledger.totals</c>.</summary>
/// <remarks>
/// Called on connection threads. A query whose min_sequence the read model has not reached waits for it (no
/// polling: the read-model stage wakes it) up to the query timeout, then answers TIMEOUT.
/// </remarks>
internal sealed class QueryService
{
    private readonly LedgerReadModel _model;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _stopping;

    public QueryService(LedgerReadModel model, TimeSpan timeout, CancellationToken stopping)
    {
        _model = model;
        _timeout = timeout;
        _stopping = stopping;
    }

    public void Handle(IngestConnection connection, in QueryFrame frame)
    {
        ulong requestId = frame.RequestId;
        string name = Encoding.UTF8.GetString(frame.Name);
        string? account = null;
        if (name == "ledger.balance")
        {
            if (!TryReadAccount(frame.Args, out account, out string? error))
            {
                connection.SendResult(requestId, (ulong)_model.Position, ResultStatus.BadRequest, ErrorBody(error));
                return;
            }
        }
        else if (name == "ledger.totals")
        {
            if (!IsJsonObject(frame.Args))
            {
                connection.SendResult(requestId, (ulong)_model.Position, ResultStatus.BadRequest, ErrorBody("args must be a JSON object"));
                return;
            }
        }
        else
        {
            connection.SendResult(requestId, (ulong)_model.Position, ResultStatus.BadRequest, ErrorBody($"unknown query '{name}'"));
            return;
        }

        long minSequence = frame.MinSequence > long.MaxValue ? long.MaxValue : (long)frame.MinSequence;
        if (_model.Position >= minSequence)
        {
            Answer(connection, requestId, account);
            return;
        }

        _ = AnswerWhenReachedAsync(connection, requestId, account, minSequence);
    }

    private async Task AnswerWhenReachedAsync(IngestConnection connection, ulong requestId, string? account, long minSequence)
    {
        bool reached;
        try
        {
            reached = await _model.WaitForAsync(minSequence, _timeout, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            reached = false;
        }

        if (reached)
        {
            Answer(connection, requestId, account);
        }
        else
        {
            connection.SendResult(requestId, (ulong)_model.Position, ResultStatus.Timeout,
                ErrorBody($"the read model did not reach sequence {minSequence} within {_timeout.TotalMilliseconds:0} ms"));
        }
    }

    private void Answer(IngestConnection connection, ulong requestId, string? account)
    {
        // Read the position first: the values read after it reflect at least that position.
        long position = _model.Position;
        if (account is null)
        {
            LedgerReadModel.Totals totals = _model.CurrentTotals;
            string body = string.Create(CultureInfo.InvariantCulture, $"{{\"accounts\":{totals.Accounts},\"balance\":{totals.Balance}}}");
            connection.SendResult(requestId, (ulong)position, ResultStatus.Ok, body);
            return;
        }

        if (!_model.TryGetAccount(account, out LedgerReadModel.AccountView view))
        {
            connection.SendResult(requestId, (ulong)position, ResultStatus.NotFound, Json(w =>
            {
                w.WriteString("account", account);
                w.WriteString("error", "no such account");
            }));
            return;
        }

        connection.SendResult(requestId, (ulong)position, ResultStatus.Ok, Json(w =>
        {
            w.WriteString("account", account);
            w.WriteNumber("balance", view.Balance);
            w.WriteNumber("version", view.Version);
        }));
    }

    private static bool TryReadAccount(ReadOnlySpan<byte> args, out string? account, out string error)
    {
        account = null;
        error = "args must be {\"account\": \"...\"}";
        try
        {
            var reader = new Utf8JsonReader(args);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isAccount = reader.ValueTextEquals("account"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isAccount)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = "account must be a string";
                        return false;
                    }

                    account = reader.GetString();
                }
                else
                {
                    reader.Skip();
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

    private static string ErrorBody(string error) => Json(w => w.WriteString("error", error));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
