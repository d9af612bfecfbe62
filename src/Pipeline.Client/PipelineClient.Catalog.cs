using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>One version of a catalog entry: its number, its compatibility mode and its JSON Schema.</summary>
/// <param name="Version">The schema version (what PUBLISH's schema_version and stored events carry).</param>
/// <param name="Compatibility">Its mode (BACKWARD, FULL, ...).</param>
/// <param name="SchemaJson">The JSON Schema, as the catalog holds it.</param>
public sealed record CatalogVersion(int Version, string Compatibility, string SchemaJson);

/// <summary>One entry of a service's catalog: a command, event, query, window result or engine record.</summary>
/// <param name="Name">The type name.</param>
/// <param name="Kind"><c>command</c>, <c>event</c>, <c>query</c>, <c>window result</c> or <c>engine record</c>.</param>
/// <param name="Category"><c>user</c>, <c>system</c> or <c>business</c>.</param>
/// <param name="Owner">The application or boundary that writes it.</param>
/// <param name="Summary">One sentence.</param>
/// <param name="Versions">Its versions, oldest first.</param>
/// <param name="ResultVersions">For a query: its answer's versions; empty otherwise.</param>
public sealed record CatalogEntry(string Name, string Kind, string Category, string Owner, string Summary, IReadOnlyList<CatalogVersion> Versions, IReadOnlyList<CatalogVersion> ResultVersions)
{
    /// <summary>The newest version (what to send).</summary>
    public int LatestVersion => Versions[^1].Version;
}

/// <summary>What a service accepts and emits, as the query <c>pipeline.catalog</c> answers (docs/catalog/catalog.json's layout).</summary>
/// <param name="Service">The service's name.</param>
/// <param name="Entries">Every entry, in the catalog's order.</param>
/// <param name="Json">The whole answer, for tools.</param>
public sealed record ServiceCatalog(string Service, IReadOnlyList<CatalogEntry> Entries, string Json)
{
    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public CatalogEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);
}

public sealed partial class PipelineClient
{
    private const string CatalogQuery = "pipeline.catalog";

    /// <summary>The service's catalog: its commands, events, queries and window results with every version's schema.</summary>
    /// <remarks>Works on any protocol version (it is a QUERY).</remarks>
    /// <exception cref="InvalidOperationException">The server answered with a status other than OK (an application without a catalog), the JSON is not the documented shape, or the connection failed.</exception>
    public async Task<ServiceCatalog> GetCatalogAsync(CancellationToken cancellationToken = default)
    {
        QueryResult result = await QueryAsync(CatalogQuery, "{}", 0, cancellationToken).ConfigureAwait(false);
        return result.Status == ResultStatus.Ok ? ParseCatalog(result.Body) : throw QueryFailed(result, CatalogQuery);
    }

    /// <summary>The JSON Schema of <paramref name="type"/> at <paramref name="version"/>, or null when the catalog has no such version.</summary>
    /// <inheritdoc cref="GetCatalogAsync" path="/exception"/>
    public async Task<string?> GetSchemaAsync(string type, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        ServiceCatalog catalog = await GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        return catalog.Find(type)?.Versions.FirstOrDefault(v => v.Version == version)?.SchemaJson;
    }

    /// <summary>Parses the OK body of <c>pipeline.catalog</c>; unknown members are ignored.</summary>
    /// <exception cref="InvalidOperationException">The JSON is not the documented shape.</exception>
    internal static ServiceCatalog ParseCatalog(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            var entries = new List<CatalogEntry>();
            foreach (JsonElement m in root.GetProperty("messages").EnumerateArray())
            {
                entries.Add(new CatalogEntry(
                    Text(m, "name"),
                    Text(m, "kind"),
                    Text(m, "category"),
                    Text(m, "owner"),
                    Text(m, "summary"),
                    Versions(m.GetProperty("versions")),
                    m.TryGetProperty("result", out JsonElement r) ? Versions(r.GetProperty("versions")) : []));
            }

            return new ServiceCatalog(Text(root.GetProperty("service"), "name"), entries, json);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw Malformed(json, ex.Message, CatalogQuery);
        }

        static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null");

        static List<CatalogVersion> Versions(JsonElement versions) =>
            [.. versions.EnumerateArray().Select(v => new CatalogVersion(v.GetProperty("version").GetInt32(), Text(v, "compatibility"), v.GetProperty("schema").GetRawText()))];
    }
}
