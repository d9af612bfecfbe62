using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pipeline.Schemas.Catalog;

// The engine's own queries (names starting with "pipeline."), one record per arguments and answer, for their JSON
// Schemas (EngineCatalog). The engine writes its answers by hand (CommandPipeline, ConsumerServer,
// StreamResultsView in Pipeline.Hosting) and does not use these types; an integration test validates the real answers
// of a running server against the published schemas (EngineQuerySchemaTests), so the two cannot drift apart.
#pragma warning disable CS1591 // the members are the documented fields of docs/protocol.md

/// <summary>Arguments of <c>pipeline.catalog</c>: none (any arguments are ignored).</summary>
public sealed record CatalogQueryArgs;

/// <summary>The answer to <c>pipeline.catalog</c>: the layout of docs/catalog/catalog.json (<see cref="CatalogWriter.ToJson"/>).</summary>
public sealed record CatalogQueryResult(
    [property: JsonPropertyName("service")] CatalogServiceInfo Service,
    [property: JsonPropertyName("messages")] IReadOnlyList<CatalogMessageInfo> Messages,
    [property: JsonPropertyName("components")] IReadOnlyList<CatalogComponentInfo> Components,
    [property: JsonPropertyName("relations")] IReadOnlyList<CatalogRelationInfo> Relations);

/// <summary>The service a catalog describes.</summary>
public sealed record CatalogServiceInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("description")] string Description);

/// <summary>One catalog entry; <c>stream</c> only where it is stored, <c>result</c> only for a query.</summary>
public sealed record CatalogMessageInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind"), JsonConverter(typeof(JsonStringEnumConverter<CatalogMessageKind>))] CatalogMessageKind Kind,
    [property: JsonPropertyName("category"), JsonConverter(typeof(JsonStringEnumConverter<CatalogCategory>))] CatalogCategory Category,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("versions")] IReadOnlyList<CatalogVersionInfo> Versions,
    [property: JsonPropertyName("producers")] IReadOnlyList<string> Producers,
    [property: JsonPropertyName("consumers")] IReadOnlyList<string> Consumers,
    [property: JsonPropertyName("stream")] string? Stream = null,
    [property: JsonPropertyName("result")] CatalogQueryResultInfo? Result = null);

/// <summary>One version of a message: its compatibility mode and its JSON Schema (an object).</summary>
public sealed record CatalogVersionInfo(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("compatibility"), JsonConverter(typeof(JsonStringEnumConverter<CompatibilityMode>))] CompatibilityMode Compatibility,
    [property: JsonPropertyName("schema")] JsonObject Schema);

/// <summary>The answer of a query entry: its schema registry name and versions.</summary>
public sealed record CatalogQueryResultInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("versions")] IReadOnlyList<CatalogResultVersionInfo> Versions);

/// <summary>One version of a query's answer: the same members as <see cref="CatalogVersionInfo"/>.</summary>
/// <remarks>
/// A type of its own: the exporter writes a second use of one type as a <c>$ref</c> relative to the schema's root,
/// which points nowhere once the schema is embedded in the AsyncAPI document (and PayloadValidator takes no <c>$ref</c>).
/// </remarks>
public sealed record CatalogResultVersionInfo(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("compatibility"), JsonConverter(typeof(JsonStringEnumConverter<CompatibilityMode>))] CompatibilityMode Compatibility,
    [property: JsonPropertyName("schema")] JsonObject Schema);

/// <summary>A producer or consumer that is not a message.</summary>
public sealed record CatalogComponentInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("summary")] string Summary);

/// <summary>A directed relationship between two entries.</summary>
public sealed record CatalogRelationInfo(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("how")] string How);

/// <summary>Arguments of <c>pipeline.consumers</c>: <c>{}</c> for every durable consumer, <c>consumer</c> for one (NOT_FOUND if it does not exist).</summary>
public sealed record ConsumersQueryArgs(
    [property: JsonPropertyName("consumer")] string? Consumer = null);

/// <summary>The answer to <c>pipeline.consumers</c>: the event store's visible head and each consumer's checkpoint.</summary>
public sealed record ConsumersQueryResult(
    [property: JsonPropertyName("head")] long Head,
    [property: JsonPropertyName("consumers")] IReadOnlyList<ConsumerCheckpointInfo> Consumers);

/// <summary>One durable consumer: <c>lag</c> is <c>head - position</c> (never below 0); <c>updatedAt</c> the server's UTC clock (ISO 8601) when the checkpoint last moved.</summary>
public sealed record ConsumerCheckpointInfo(
    [property: JsonPropertyName("consumer")] string Consumer,
    [property: JsonPropertyName("position")] long Position,
    [property: JsonPropertyName("lag")] long Lag,
    [property: JsonPropertyName("commits")] long Commits,
    [property: JsonPropertyName("updatedAt")] string UpdatedAt,
    [property: JsonPropertyName("subscribed")] bool Subscribed);

/// <summary>Arguments of <c>pipeline.streams</c>: none (any arguments are ignored).</summary>
public sealed record StreamsQueryArgs;

/// <summary>The answer to <c>pipeline.streams</c>: whether a window waits to close, the last journal sequence the flows were fed, and each flow.</summary>
public sealed record StreamsQueryResult(
    [property: JsonPropertyName("pending")] bool Pending,
    [property: JsonPropertyName("applied")] long Applied,
    [property: JsonPropertyName("streams")] IReadOnlyList<StreamFlowInfo> Streams);

/// <summary>One flow: <c>top</c> 0 for one result per key and window, N for a top list; <c>keys</c> with a result; <c>late_events</c> counted across restarts.</summary>
public sealed record StreamFlowInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("late_type")] string LateType,
    [property: JsonPropertyName("top")] int Top,
    [property: JsonPropertyName("keys")] long Keys,
    [property: JsonPropertyName("late_events")] long LateEvents);

/// <summary>Arguments of <c>pipeline.stream.results</c>: the flow, optionally a key and a window's end (ISO 8601); any other member is BAD_REQUEST.</summary>
/// <remarks>Closed: the server refuses a member it does not know, so the schema says <c>additionalProperties: false</c>.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StreamResultsQueryArgs(
    [property: JsonPropertyName("stream")] string Stream,
    [property: JsonPropertyName("key")] string? Key = null,
    [property: JsonPropertyName("end")] string? End = null);

/// <summary>The answer to <c>pipeline.stream.results</c>: the flow's latest results, each the stored event's payload.</summary>
public sealed record StreamResultsQueryResult(
    [property: JsonPropertyName("stream")] string Stream,
    [property: JsonPropertyName("results")] IReadOnlyList<StreamWindowResultInfo> Results);

/// <summary>
/// One window's result as a flow writes it: a keyed flow's has <c>key</c>; a top list has <c>top</c> instead of
/// <c>value</c>. The value is the flow's own (the window result entries of the catalog give each flow's schema).
/// </summary>
/// <remarks>
/// <c>start</c> and <c>end</c> are UTC ISO 8601 text, but a flow on its own event time writes the .NET ticks as a
/// number when they fall outside <see cref="System.DateTime"/>'s range (WindowedStream), so their schema takes any value.
/// </remarks>
public sealed record StreamWindowResultInfo(
    [property: JsonPropertyName("start")] JsonElement Start,
    [property: JsonPropertyName("end")] JsonElement End,
    [property: JsonPropertyName("revision")] int Revision,
    [property: JsonPropertyName("key")] string? Key = null,
    [property: JsonPropertyName("value")] JsonElement? Value = null,
    [property: JsonPropertyName("top")] IReadOnlyList<StreamTopEntryInfo>? Top = null);

/// <summary>One key of a top list, first ranked first.</summary>
public sealed record StreamTopEntryInfo(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] JsonElement Value);
#pragma warning restore CS1591
