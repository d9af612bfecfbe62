using System;
using System.Collections.Generic;

namespace Pipeline.Schemas.Catalog;

/// <summary>
/// The engine's part of every application's catalog: the server's own queries (<c>pipeline.catalog</c>,
/// <c>pipeline.consumers</c>, <c>pipeline.streams</c>, <c>pipeline.stream.results</c>), their schemas (from the
/// records in EnginePayloads.cs) and the engine components that answer them. The published schemas are committed in
/// <c>src/Pipeline.Schemas/schemas</c>, checked by a test like a lock file.
/// </summary>
/// <remarks>
/// Here rather than in Pipeline.Hosting, which answers these queries: an application builds its catalog from this
/// and its own entries, and an application never references the engine (docs/schemas.md).
/// </remarks>
public static class EngineCatalog
{
    /// <summary>The committed folder of the engine's published schemas, relative to the repository root.</summary>
    public const string SchemaFolder = "src/Pipeline.Schemas/schemas";

    /// <summary>The owner of the engine's entries.</summary>
    public const string Owner = "engine";

    /// <summary>The component that answers <c>pipeline.streams</c> and <c>pipeline.stream.results</c>: an application's window results feed it.</summary>
    public const string StreamResultsView = "StreamResultsView";

    /// <summary>The component that answers <c>pipeline.catalog</c> with the application's catalog.</summary>
    public const string CatalogAnswerer = "CommandPipeline";

    /// <summary>The component that keeps the durable consumers' checkpoints and answers <c>pipeline.consumers</c>.</summary>
    public const string ConsumerServer = "ConsumerServer";

    private static readonly (string Query, Type Args, Type Result, string Summary)[] s_queries =
    [
        ("pipeline.catalog", typeof(CatalogQueryArgs), typeof(CatalogQueryResult),
            "Every command, event, query and window result the service accepts and emits, with its versions' JSON Schemas (this catalog; BAD_REQUEST if the application publishes none)."),
        ("pipeline.consumers", typeof(ConsumersQueryArgs), typeof(ConsumersQueryResult),
            "The durable consumers with their checkpoints, lag and whether a subscription holds them (BAD_REQUEST when the event store is off)."),
        ("pipeline.streams", typeof(StreamsQueryArgs), typeof(StreamsQueryResult),
            "The stream-processing flows: whether a window waits to close, the last journal sequence they were fed, each flow's keys and late events (BAD_REQUEST when the service runs none)."),
        ("pipeline.stream.results", typeof(StreamResultsQueryArgs), typeof(StreamResultsQueryResult),
            "A flow's latest results: every key's for the newest window, one key's, or the window ending at a time (the last 32 windows per key)."),
    ];

    /// <summary>The schema registry name of a query's answer (<c>pipeline.consumers.result</c>).</summary>
    public static string ResultNameOf(string query) => query + ".result";

    /// <summary>The engine's published types and versions.</summary>
    public static SchemaRegistry CreateSchemas() => Register(new SchemaRegistry());

    /// <summary>Adds the engine's types and versions to <paramref name="registry"/> (an application's) and returns it.</summary>
    /// <remarks>
    /// Arguments are BACKWARD (a newer server reads what older clients send); answers FORWARD (older clients read what
    /// a newer server answers): a query has no schema version on the wire, so both sides must keep working.
    /// </remarks>
    public static SchemaRegistry Register(SchemaRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach ((string query, Type args, Type result, _) in s_queries)
        {
            registry.Register(query, 1, args, CompatibilityMode.Backward)
                .Register(ResultNameOf(query), 1, result, CompatibilityMode.Forward);
        }

        return registry;
    }

    /// <summary>The engine's queries: kind query, category system, owner <see cref="Owner"/>.</summary>
    public static IReadOnlyList<CatalogMessage> Messages()
    {
        var messages = new List<CatalogMessage>(s_queries.Length);
        foreach ((string query, _, _, string summary) in s_queries)
        {
            messages.Add(new CatalogMessage(query, CatalogMessageKind.Query, CatalogCategory.System, Owner, summary, ResultName: ResultNameOf(query)));
        }

        return messages;
    }

    /// <summary>The engine components that answer the queries.</summary>
    public static IReadOnlyList<CatalogComponent> Components() =>
    [
        new(CatalogAnswerer, "engine", "Answers pipeline.catalog with the application's catalog, read once at start."),
        new(ConsumerServer, "engine", "Keeps the durable consumers' checkpoints (COMMIT, CONSUMER_ADMIN) beside the event store."),
        new(StreamResultsView, "read model", "The latest results of each flow per key (the last 32 windows), fed once durable and seeded from the event store at start."),
    ];

    /// <summary>Which component answers which query; an application adds its window results feeding <see cref="StreamResultsView"/>.</summary>
    public static IReadOnlyList<CatalogRelation> Relations() =>
    [
        new(CatalogAnswerer, "pipeline.catalog", "answers"),
        new(ConsumerServer, "pipeline.consumers", "answers"),
        new(StreamResultsView, "pipeline.streams", "answers"),
        new(StreamResultsView, "pipeline.stream.results", "answers"),
    ];
}
