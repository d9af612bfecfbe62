using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Pipeline.Ledger.Catalog;

// The ledger's payloads, one record per type and version, for their JSON Schemas (LedgerSchemas). The decoder and
// the writers do not use these types (they read and write JSON by hand, allocation-free); the tests hold both to
// the same documents (LedgerSchemaTests).
#pragma warning disable CS1591 // the members are the documented payload fields of shared/spec/protocol.md and docs/catalog

/// <summary><c>ledger.open</c> version 1.</summary>
public sealed record OpenV1(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("expectedVersion")] long? ExpectedVersion = null);

/// <summary><c>ledger.deposit</c> version 1.</summary>
public sealed record DepositV1(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("expectedVersion")] long? ExpectedVersion = null);

/// <summary><c>ledger.deposit</c> version 2: version 1 plus an optional reference (1..128 characters).</summary>
public sealed record DepositV2(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("expectedVersion")] long? ExpectedVersion = null,
    [property: JsonPropertyName("reference")] string? Reference = null);

/// <summary><c>ledger.withdraw</c> version 1.</summary>
public sealed record WithdrawV1(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("expectedVersion")] long? ExpectedVersion = null);

/// <summary><c>ledger.transfer</c> version 1.</summary>
public sealed record TransferV1(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("expectedVersion")] long? ExpectedVersion = null);

/// <summary><c>ledger.opened</c> version 1.</summary>
public sealed record OpenedV1([property: JsonPropertyName("account")] string Account);

/// <summary><c>ledger.deposited</c> version 1.</summary>
public sealed record DepositedV1(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("balance")] long Balance);

/// <summary><c>ledger.deposited</c> version 2: version 1 plus the deposit's reference, when it had one.</summary>
public sealed record DepositedV2(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("balance")] long Balance,
    [property: JsonPropertyName("reference")] string? Reference = null);

/// <summary><c>ledger.withdrawn</c> version 1.</summary>
public sealed record WithdrawnV1(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("balance")] long Balance);

/// <summary><c>ledger.transferred</c> version 1 (one in each account's stream; <c>account</c> and <c>balance</c> are that stream's).</summary>
public sealed record TransferredV1(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("amount")] long Amount,
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("balance")] long Balance);

/// <summary>The value of a <c>ledger.deposit-stats</c> result.</summary>
public sealed record DepositStatsValue(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("sum")] long Sum,
    [property: JsonPropertyName("average")] double Average);

/// <summary><c>ledger.deposit-stats</c> version 1: one window's deposits.</summary>
public sealed record DepositStatsV1(
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End,
    [property: JsonPropertyName("revision")] int Revision,
    [property: JsonPropertyName("value")] DepositStatsValue Value);

/// <summary>One account of a <c>ledger.busiest-accounts</c> result.</summary>
public sealed record BusyAccount(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] long Value);

/// <summary><c>ledger.busiest-accounts</c> version 1: one window's busiest accounts, busiest first.</summary>
public sealed record BusiestAccountsV1(
    [property: JsonPropertyName("start")] string Start,
    [property: JsonPropertyName("end")] string End,
    [property: JsonPropertyName("revision")] int Revision,
    [property: JsonPropertyName("top")] IReadOnlyList<BusyAccount> Top);

/// <summary>The late output of a ledger window (<c>ledger.deposit-stats.late</c>, <c>ledger.busiest-accounts.late</c>) version 1.</summary>
public sealed record LateLedgerEventV1(
    [property: JsonPropertyName("time")] string Time,
    [property: JsonPropertyName("event")] LateLedgerEvent Event);

/// <summary>The event a late output carries.</summary>
public sealed record LateLedgerEvent(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] long Amount);

/// <summary>Arguments of the query <c>ledger.balance</c> (<c>asOf</c>: a journal sequence; <c>asOfTime</c>: an ISO 8601 time; at most one).</summary>
public sealed record BalanceQueryArgs(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("asOf")] long? AsOf = null,
    [property: JsonPropertyName("asOfTime")] string? AsOfTime = null);

/// <summary>The answer to <c>ledger.balance</c>.</summary>
public sealed record BalanceResult(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("balance")] long Balance,
    [property: JsonPropertyName("version")] long Version);

/// <summary>Arguments of the query <c>ledger.totals</c> (none).</summary>
public sealed record TotalsQueryArgs;

/// <summary>The answer to <c>ledger.totals</c>.</summary>
public sealed record TotalsResult(
    [property: JsonPropertyName("accounts")] long Accounts,
    [property: JsonPropertyName("balance")] long Balance);
#pragma warning restore CS1591
