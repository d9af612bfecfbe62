using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace Pipeline.Schemas.Catalog;

// The member names are the ones CatalogWriter writes (KindText, CategoryText), for the schema of the catalog's JSON
// (EnginePayloads.cs): the answer to pipeline.catalog is checked against it in a test.
/// <summary>What a catalog entry is.</summary>
public enum CatalogMessageKind
{
    /// <summary>Sent by clients (PUBLISH); the application decides it into events or a rejection.</summary>
    [JsonStringEnumMemberName("command")]
    Command,

    /// <summary>Stored in the event store; readable and subscribable.</summary>
    [JsonStringEnumMemberName("event")]
    Event,

    /// <summary>Asked of a read model (QUERY); its arguments and its answer each have a schema.</summary>
    [JsonStringEnumMemberName("query")]
    Query,

    /// <summary>A stream-processing flow's result (or late output), stored as an event.</summary>
    [JsonStringEnumMemberName("window result")]
    WindowResult,

    /// <summary>A record the engine writes to the journal itself (never a client's, never an event).</summary>
    [JsonStringEnumMemberName("engine record")]
    EngineRecord,
}

/// <summary>Who a message is about, as the seed's catalog asks: user, system or business.</summary>
public enum CatalogCategory
{
    /// <summary>Initiated by a user (a client's command or question).</summary>
    [JsonStringEnumMemberName("user")]
    User,

    /// <summary>The platform's own workings.</summary>
    [JsonStringEnumMemberName("system")]
    System,

    /// <summary>A business fact (what happened to an account, a derived business figure).</summary>
    [JsonStringEnumMemberName("business")]
    Business,
}

/// <summary>One command, event, query, window result or engine record.</summary>
/// <param name="Name">The type name on the wire and in the store (<c>ledger.deposit</c>).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Category">User, system or business.</param>
/// <param name="Owner">The application or boundary that writes it (<c>ledger</c>, <c>engine</c>).</param>
/// <param name="Summary">One sentence.</param>
/// <param name="Stream">Where it is stored (events): the stream id, or its pattern (<c>account-{id}</c>); null otherwise.</param>
/// <param name="ResultName">For a query: the schema registry's name of its answer (<c>ledger.balance.result</c>).</param>
public sealed record CatalogMessage(string Name, CatalogMessageKind Kind, CatalogCategory Category, string Owner, string Summary, string? Stream = null, string? ResultName = null);

/// <summary>A handler, projection, flow or client role that produces or consumes messages.</summary>
/// <param name="Name">Its name (<c>LedgerState.Decide</c>, <c>ledger.deposit-stats</c>).</param>
/// <param name="Kind">decider, read model, flow, projection, client, engine.</param>
/// <param name="Summary">One sentence.</param>
public sealed record CatalogComponent(string Name, string Kind, string Summary);

/// <summary>
/// A directed edge: <paramref name="From"/> (a message or a component) leads to <paramref name="To"/>, in the way
/// <paramref name="How"/> says: <c>produces</c> (a command's decision produces an event), <c>feeds</c> (an event is
/// consumed by a component), <c>emits</c> (a component writes a message), <c>answers</c> (a read model answers a query).
/// </summary>
public sealed record CatalogRelation(string From, string To, string How);

/// <summary>The service the catalog describes.</summary>
/// <param name="Name">The service's name.</param>
/// <param name="Version">The catalog's version (the application's).</param>
/// <param name="Description">What it does.</param>
/// <param name="Host">Where its TCP port listens by default (<c>127.0.0.1:7400</c>).</param>
public sealed record CatalogService(string Name, string Version, string Description, string Host);

/// <summary>
/// The event catalog: every message with its versions' JSON Schemas (from a <see cref="SchemaRegistry"/>), the
/// components that produce and consume them, and the relationships. Built from the code; rendered as Markdown with
/// Mermaid diagrams, as JSON and as an AsyncAPI 3.0 document (<see cref="CatalogWriter"/>).
/// </summary>
public sealed class EventCatalog
{
    /// <summary>Checks that every message has schemas and every relation names known ends.</summary>
    /// <exception cref="ArgumentException">A message without a registered schema, a query without its result's, a duplicate name, or a relation to an unknown name.</exception>
    public EventCatalog(CatalogService service, IReadOnlyList<CatalogMessage> messages, IReadOnlyList<CatalogComponent> components, IReadOnlyList<CatalogRelation> relations, SchemaRegistry schemas)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(relations);
        ArgumentNullException.ThrowIfNull(schemas);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (CatalogMessage message in messages)
        {
            if (!names.Add(message.Name))
            {
                throw new ArgumentException($"Two catalog entries are named '{message.Name}'.", nameof(messages));
            }

            if (schemas.VersionsOf(message.Name).Count == 0)
            {
                throw new ArgumentException($"'{message.Name}' has no registered schema version.", nameof(schemas));
            }

            if (message.Kind == CatalogMessageKind.Query && (message.ResultName is null || schemas.VersionsOf(message.ResultName).Count == 0))
            {
                throw new ArgumentException($"Query '{message.Name}' needs a registered result schema ('{message.ResultName}').", nameof(schemas));
            }
        }

        foreach (CatalogComponent component in components)
        {
            if (!names.Add(component.Name))
            {
                throw new ArgumentException($"'{component.Name}' names both a component and another entry.", nameof(components));
            }
        }

        foreach (CatalogRelation relation in relations)
        {
            if (!names.Contains(relation.From) || !names.Contains(relation.To))
            {
                throw new ArgumentException($"Relation {relation.From} -{relation.How}-> {relation.To} names an entry the catalog lacks.", nameof(relations));
            }
        }

        Service = service;
        Messages = messages;
        Components = components;
        Relations = relations;
        Schemas = schemas;
    }

    /// <summary>The service described.</summary>
    public CatalogService Service { get; }

    /// <summary>Every entry, in the order pages and diagrams list them.</summary>
    public IReadOnlyList<CatalogMessage> Messages { get; }

    /// <summary>The producers and consumers that are not messages.</summary>
    public IReadOnlyList<CatalogComponent> Components { get; }

    /// <summary>Which entry leads to which.</summary>
    public IReadOnlyList<CatalogRelation> Relations { get; }

    /// <summary>Every version's schema.</summary>
    public SchemaRegistry Schemas { get; }

    /// <summary>The components and messages <paramref name="message"/> comes from (the From of relations into it).</summary>
    public IReadOnlyList<string> ProducersOf(string message) => [.. Relations.Where(r => r.To == message).Select(r => r.From).Distinct()];

    /// <summary>The components and messages that take <paramref name="message"/> (the To of relations out of it).</summary>
    public IReadOnlyList<string> ConsumersOf(string message) => [.. Relations.Where(r => r.From == message).Select(r => r.To).Distinct()];
}
