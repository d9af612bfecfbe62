using System;
using System.Collections.Generic;
using System.Linq;
using Pipeline.Application;
using Pipeline.Schemas;
using Pipeline.Schemas.Catalog;

namespace Pipeline.Ledger.Catalog;

/// <summary>An engine record has no JSON payload: its schema is the empty object's.</summary>
public sealed record EmptyPayload;

/// <summary>
/// The ledger's schemas (every command, event, window result and query version, from the payload records in
/// LedgerPayloads.cs) and its event catalog, with the engine's own queries (<see cref="EngineCatalog"/>). The ledger's
/// published schemas are committed in <c>src/Pipeline.Ledger/schemas</c>, checked by a test like a lock file.
/// </summary>
public static class LedgerCatalog
{
    /// <summary>The committed folder of published schemas, relative to the repository root.</summary>
    public const string SchemaFolder = "src/Pipeline.Ledger/schemas";

    /// <summary>Every published type and version of the ledger, BACKWARD compatible by default.</summary>
    public static SchemaRegistry CreateSchemas() => new SchemaRegistry()
        .Register("ledger.open", 1, typeof(OpenV1))
        .Register("ledger.deposit", 1, typeof(DepositV1))
        .Register("ledger.deposit", 2, typeof(DepositV2), CompatibilityMode.Full)
        .Register("ledger.withdraw", 1, typeof(WithdrawV1))
        .Register("ledger.transfer", 1, typeof(TransferV1))
        .Register("ledger.opened", 1, typeof(OpenedV1))
        .Register("ledger.deposited", 1, typeof(DepositedV1))
        .Register("ledger.deposited", 2, typeof(DepositedV2), CompatibilityMode.Full)
        .Register("ledger.withdrawn", 1, typeof(WithdrawnV1))
        .Register("ledger.transferred", 1, typeof(TransferredV1))
        .Register(LedgerStreams.DepositStatsName, 1, typeof(DepositStatsV1))
        .Register(LedgerStreams.DepositStatsName + ".late", 1, typeof(LateLedgerEventV1))
        .Register(LedgerStreams.BusiestAccountsName, 1, typeof(BusiestAccountsV1))
        .Register(LedgerStreams.BusiestAccountsName + ".late", 1, typeof(LateLedgerEventV1))
        .Register("ledger.balance", 1, typeof(BalanceQueryArgs))
        .Register("ledger.balance.result", 1, typeof(BalanceResult))
        .Register("ledger.totals", 1, typeof(TotalsQueryArgs))
        .Register("ledger.totals.result", 1, typeof(TotalsResult));

    /// <summary>The catalog of <paramref name="app"/>: checked against what it accepts (commands and versions) and runs (flows).</summary>
    /// <exception cref="InvalidOperationException">The application accepts a command version or runs a flow the catalog does not describe.</exception>
    public static EventCatalog Create(LedgerApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        SchemaRegistry schemas = EngineCatalog.Register(CreateSchemas()).Register("engine.tick", 1, typeof(EmptyPayload), CompatibilityMode.None);
        for (int i = 0; i < app.Commands.Count; i++)
        {
            CommandType command = app.Commands[i];
            foreach (ushort version in command.SchemaVersions)
            {
                if (!schemas.VersionsOf(command.Name).Any(v => v.Version == version))
                {
                    throw new InvalidOperationException($"The ledger accepts {command.Name} version {version}, which has no schema in the catalog.");
                }
            }
        }

        string[] flows = [.. app.Streams.Select(s => s.Name)];
        string[] described = [LedgerStreams.DepositStatsName, LedgerStreams.BusiestAccountsName];
        if (!flows.SequenceEqual(described))
        {
            throw new InvalidOperationException($"The ledger runs the flows [{string.Join(", ", flows)}]; the catalog describes [{string.Join(", ", described)}].");
        }

        const string Owner = "ledger";
        const string Accounts = "account-{id}";
        var messages = new List<CatalogMessage>
        {
            new("ledger.open", CatalogMessageKind.Command, CatalogCategory.User, Owner, "Opens an account with balance 0 (REJECTED account_exists if it exists)."),
            new("ledger.deposit", CatalogMessageKind.Command, CatalogCategory.User, Owner, "Adds an amount to an account; version 2 may carry a reference."),
            new("ledger.withdraw", CatalogMessageKind.Command, CatalogCategory.User, Owner, "Takes an amount from an account (REJECTED insufficient_funds below 0)."),
            new("ledger.transfer", CatalogMessageKind.Command, CatalogCategory.User, Owner, "Moves an amount from one account to another."),
            new("ledger.opened", CatalogMessageKind.Event, CatalogCategory.Business, Owner, "An account exists, balance 0, version 1.", Accounts),
            new("ledger.deposited", CatalogMessageKind.Event, CatalogCategory.Business, Owner, "An account received a deposit (version 2 when the deposit had a reference; version 1 reads as version 2 without one).", Accounts),
            new("ledger.withdrawn", CatalogMessageKind.Event, CatalogCategory.Business, Owner, "An amount left an account.", Accounts),
            new("ledger.transferred", CatalogMessageKind.Event, CatalogCategory.Business, Owner, "An amount moved between two accounts: one event in each account's stream.", Accounts),
            new(LedgerStreams.DepositStatsName, CatalogMessageKind.WindowResult, CatalogCategory.Business, Owner, "Count, sum and average of the deposits in one sliding window (10 s every 5 s by default).", LedgerStreams.DepositStatsName),
            new(LedgerStreams.DepositStatsName + ".late", CatalogMessageKind.WindowResult, CatalogCategory.System, Owner, "A deposit that came after its window closed (none with journal time).", LedgerStreams.DepositStatsName + ".late"),
            new(LedgerStreams.BusiestAccountsName, CatalogMessageKind.WindowResult, CatalogCategory.Business, Owner, "The accounts with the most money movements in one tumbling window (1 minute by default), busiest first.", LedgerStreams.BusiestAccountsName),
            new(LedgerStreams.BusiestAccountsName + ".late", CatalogMessageKind.WindowResult, CatalogCategory.System, Owner, "A money movement that came after its window closed (none with journal time).", LedgerStreams.BusiestAccountsName + ".late"),
            new("ledger.balance", CatalogMessageKind.Query, CatalogCategory.User, Owner, "An account's balance and version, now or as of a sequence or a time.", ResultName: "ledger.balance.result"),
            new("ledger.totals", CatalogMessageKind.Query, CatalogCategory.User, Owner, "The number of accounts and the sum of their balances.", ResultName: "ledger.totals.result"),
        };
        messages.AddRange(EngineCatalog.Messages());
        messages.Add(new("engine.tick", CatalogMessageKind.EngineRecord, CatalogCategory.System, EngineCatalog.Owner, "The journal's time while idle and a window waits to close (journal record type `$tick`, empty payload; a journal record, not an event)."));
        var components = new List<CatalogComponent>
        {
            new("LedgerState.Decide", "decider", "Decides each command against the accounts, in journal order: events or a reject reason."),
            new("LedgerReadModel", "read model", "Balances and totals, fed every accepted event once durable."),
            new("LedgerProjection", "projection", "The accounts table in SQLite or PostgreSQL (src/Pipeline.Projections), fed by a subscription."),
            new("flow " + LedgerStreams.DepositStatsName, "flow", "Sliding window over the deposits."),
            new("flow " + LedgerStreams.BusiestAccountsName, "flow", "Tumbling window per account over the money movements, top list per window."),
            new("journaling producer", "engine", "The journal's single writer; writes ticks while idle."),
        };
        components.AddRange(EngineCatalog.Components());
        string[] events = ["ledger.opened", "ledger.deposited", "ledger.withdrawn", "ledger.transferred"];
        var relations = new List<CatalogRelation>
        {
            new("ledger.open", "LedgerState.Decide", "decided by"),
            new("ledger.deposit", "LedgerState.Decide", "decided by"),
            new("ledger.withdraw", "LedgerState.Decide", "decided by"),
            new("ledger.transfer", "LedgerState.Decide", "decided by"),
            new("ledger.open", "ledger.opened", "produces"),
            new("ledger.deposit", "ledger.deposited", "produces"),
            new("ledger.withdraw", "ledger.withdrawn", "produces"),
            new("ledger.transfer", "ledger.transferred", "produces"),
        };
        relations.AddRange(events.Select(e => new CatalogRelation(e, "LedgerReadModel", "feeds")));
        relations.AddRange(events.Select(e => new CatalogRelation(e, "LedgerProjection", "feeds")));
        relations.Add(new("LedgerReadModel", "ledger.balance", "answers"));
        relations.Add(new("LedgerReadModel", "ledger.totals", "answers"));
        relations.Add(new("ledger.deposited", "flow " + LedgerStreams.DepositStatsName, "feeds"));
        relations.AddRange(events.Skip(1).Select(e => new CatalogRelation(e, "flow " + LedgerStreams.BusiestAccountsName, "feeds")));
        relations.Add(new("journaling producer", "engine.tick", "emits"));
        relations.Add(new("engine.tick", "flow " + LedgerStreams.DepositStatsName, "feeds"));
        relations.Add(new("engine.tick", "flow " + LedgerStreams.BusiestAccountsName, "feeds"));
        foreach (string flow in described)
        {
            relations.Add(new("flow " + flow, flow, "emits"));
            relations.Add(new("flow " + flow, flow + ".late", "emits"));
            relations.Add(new(flow, EngineCatalog.StreamResultsView, "feeds"));
        }

        relations.AddRange(EngineCatalog.Relations());

        return new EventCatalog(
            new CatalogService("Pipeline ledger", "2", "The ledger on Pipeline: accounts opened, credited, debited and transferred between, by commands over TCP; every change an event in the account's stream; windows over the deposits and the busiest accounts.", "127.0.0.1:7400"),
            messages,
            components,
            relations,
            schemas);
    }
}
