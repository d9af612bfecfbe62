namespace Pipeline.Application;

/// <summary>
/// An application that describes itself: the engine answers the query <c>pipeline.catalog</c> with
/// <see cref="CatalogJson"/> (every command, event, query and window result with its versions' JSON Schemas; the
/// layout of docs/catalog/catalog.json), so that a client can discover what the service accepts and emits.
/// </summary>
public interface ICatalogSource
{
    /// <summary>The catalog as JSON; read once, at start.</summary>
    string CatalogJson { get; }
}
