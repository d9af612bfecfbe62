using System;
using System.Collections.Generic;
using System.IO;
using System.Globalization;
using System.Text.Json;
using Pipeline.Client;

namespace Pipeline.Projections.Ledger;

/// <summary>
/// The ledger's read model in a database: <c>ledger_accounts</c> (each account's balance and version, as
/// <c>ledger.balance</c> answers) and <c>ledger_transactions</c> (one row per event, in position order).
/// </summary>
/// <remarks>
/// Fed by <c>ledger.*</c> events (docs/event-store.md, "The ledger's events"). Each event carries the account's
/// balance after it, so a row is set, not added to: applying an event twice would give the same row (the runner's
/// checkpoint already prevents it).
/// </remarks>
public sealed class LedgerProjection : IProjection
{
    /// <summary>The default name: the checkpoint's key and the consumer name on the server.</summary>
    public const string DefaultName = "ledger-balances";

    /// <summary>Creates the projection under <paramref name="name"/>.</summary>
    public LedgerProjection(string name = DefaultName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The server-side filter that feeds this projection: types starting with <c>ledger.</c>.</summary>
    public static string TypePrefix => "ledger.";

    /// <inheritdoc />
    public void CreateSchema(ProjectionDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        database.Execute("""
            CREATE TABLE IF NOT EXISTS ledger_accounts (
                account TEXT PRIMARY KEY,
                balance BIGINT NOT NULL,
                version BIGINT NOT NULL,
                last_position BIGINT NOT NULL)
            """);
        database.Execute("""
            CREATE TABLE IF NOT EXISTS ledger_transactions (
                position BIGINT PRIMARY KEY,
                command_sequence BIGINT NOT NULL,
                account TEXT NOT NULL,
                kind TEXT NOT NULL,
                amount BIGINT NOT NULL,
                counterparty TEXT NULL,
                balance BIGINT NOT NULL,
                occurred_at TEXT NOT NULL)
            """);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">A <c>ledger.*</c> event whose payload is not the documented JSON.</exception>
    public void Apply(ProjectionDatabase database, StoredEvent storedEvent)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(storedEvent);
        LedgerRow row = Parse(storedEvent);
        if (row.Kind is null)
        {
            return; // a ledger type this version does not know: nothing to show
        }

        database.Execute(
            "INSERT INTO ledger_accounts (account, balance, version, last_position) VALUES (@account, @balance, @version, @position) " +
            "ON CONFLICT (account) DO UPDATE SET balance = excluded.balance, version = excluded.version, last_position = excluded.last_position",
            ("@account", row.Account), ("@balance", row.Balance), ("@version", (long)storedEvent.StreamVersion), ("@position", (long)storedEvent.Position));
        database.Execute(
            "INSERT INTO ledger_transactions (position, command_sequence, account, kind, amount, counterparty, balance, occurred_at) " +
            "VALUES (@position, @sequence, @account, @kind, @amount, @counterparty, @balance, @at)",
            ("@position", (long)storedEvent.Position), ("@sequence", (long)storedEvent.CommandSequence), ("@account", row.Account), ("@kind", row.Kind),
            ("@amount", row.Amount), ("@counterparty", row.Counterparty), ("@balance", row.Balance),
            ("@at", storedEvent.Timestamp.ToString("O", CultureInfo.InvariantCulture)));
    }

    private readonly record struct LedgerRow(string? Kind, string Account, long Amount, string? Counterparty, long Balance);

    private static LedgerRow Parse(StoredEvent e)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(e.Payload);
            JsonElement root = document.RootElement;
            string account = root.GetProperty("account").GetString() ?? throw Bad(e, "account is null");
            switch (e.Type)
            {
                case "ledger.opened":
                    return new LedgerRow("opened", account, 0, null, 0);
                case "ledger.deposited":
                    return new LedgerRow("deposit", account, root.GetProperty("amount").GetInt64(), null, root.GetProperty("balance").GetInt64());
                case "ledger.withdrawn":
                    return new LedgerRow("withdrawal", account, root.GetProperty("amount").GetInt64(), null, root.GetProperty("balance").GetInt64());
                case "ledger.transferred":
                    string from = root.GetProperty("from").GetString() ?? throw Bad(e, "from is null");
                    string to = root.GetProperty("to").GetString() ?? throw Bad(e, "to is null");
                    bool outgoing = string.Equals(account, from, StringComparison.Ordinal);
                    return new LedgerRow(outgoing ? "transfer_out" : "transfer_in", account, root.GetProperty("amount").GetInt64(), outgoing ? to : from, root.GetProperty("balance").GetInt64());
                default:
                    return new LedgerRow(null, account, 0, null, 0);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Bad(e, ex.Message);
        }
    }

    private static InvalidDataException Bad(StoredEvent e, string why) =>
        new($"The {e.Type} event at position {e.Position} has a payload this projection cannot read: {why}.");
}
