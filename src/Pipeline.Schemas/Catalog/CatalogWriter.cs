using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Schemas.Catalog;

/// <summary>
/// Renders an <see cref="EventCatalog"/>: Markdown pages with Mermaid diagrams, JSON for tools, and an AsyncAPI 3.0
/// document. Every output is a pure function of the catalog ('\n' line ends, declaration order, canonical schemas),
/// so the committed docs/catalog can be compared with what the code generates.
/// </summary>
public static class CatalogWriter
{
    /// <summary>The files of a catalog folder: <c>README.md</c>, one page per entry, <c>catalog.json</c>, <c>asyncapi.json</c>.</summary>
    public static IReadOnlyList<(string RelativePath, string Text)> Files(EventCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var files = new List<(string, string)> { ("README.md", Index(catalog)) };
        foreach (CatalogMessage message in catalog.Messages)
        {
            files.Add((PageOf(message.Name), Page(catalog, message)));
        }

        files.Add(("catalog.json", ToJson(catalog)));
        files.Add(("asyncapi.json", ToAsyncApi(catalog)));
        return files;
    }

    /// <summary>The page file name of an entry (a name starting with <c>$</c> loses it: <c>$tick</c> is <c>tick.md</c>).</summary>
    public static string PageOf(string name) => name.TrimStart('$') + ".md";

    // Relaxed escaping: these are UTF-8 files and answers read by tools, not HTML; "account's" stays readable.
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, NewLine = "\n", Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The catalog as compact JSON (the answer to <c>pipeline.catalog</c>): <see cref="ToJson"/> without the indentation.</summary>
    public static string ToCompactJson(EventCatalog catalog) => JsonNode.Parse(ToJson(catalog))!.ToJsonString(s_compact);

    private static string KindText(CatalogMessageKind kind) => kind switch
    {
        CatalogMessageKind.Command => "command",
        CatalogMessageKind.Event => "event",
        CatalogMessageKind.Query => "query",
        CatalogMessageKind.WindowResult => "window result",
        _ => "engine record",
    };

    private static string CategoryText(CatalogCategory category) => category.ToString().ToLowerInvariant();

    private static string Versions(EventCatalog catalog, string name) =>
        string.Join(", ", catalog.Schemas.VersionsOf(name).Select(v => v.Version.ToString(CultureInfo.InvariantCulture)));

    private static string Index(EventCatalog catalog)
    {
        var text = new StringBuilder();
        text.Append("# Event catalog: ").Append(catalog.Service.Name).Append("\n\n");
        text.Append("Generated from the code by `dotnet run --project src/Pipeline.Server -- catalog --out docs/catalog`; do not edit: a test\n");
        text.Append("fails when this folder differs from what the code generates. Also here: `catalog.json` (for tools) and\n");
        text.Append("`asyncapi.json` (AsyncAPI 3.0, validated in CI by `@asyncapi/parser`). A running service answers the query\n");
        text.Append("`pipeline.catalog` with the same JSON.\n\n");
        text.Append(catalog.Service.Description).Append("\n\n");
        foreach (CatalogMessageKind kind in Enum.GetValues<CatalogMessageKind>())
        {
            CatalogMessage[] of = [.. catalog.Messages.Where(m => m.Kind == kind)];
            if (of.Length == 0)
            {
                continue;
            }

            text.Append("## ").Append(kind switch
            {
                CatalogMessageKind.Command => "Commands",
                CatalogMessageKind.Event => "Events",
                CatalogMessageKind.Query => "Queries",
                CatalogMessageKind.WindowResult => "Window results",
                _ => "Engine records",
            }).Append("\n\n");
            text.Append("| name | category | owner | versions | summary |\n|---|---|---|---|---|\n");
            foreach (CatalogMessage message in of)
            {
                text.Append("| [`").Append(message.Name).Append("`](").Append(PageOf(message.Name)).Append(") | ")
                    .Append(CategoryText(message.Category)).Append(" | ").Append(message.Owner).Append(" | ")
                    .Append(Versions(catalog, message.Name)).Append(" | ").Append(message.Summary).Append(" |\n");
            }

            text.Append('\n');
        }

        text.Append("## Components\n\n| name | kind | summary |\n|---|---|---|\n");
        foreach (CatalogComponent component in catalog.Components)
        {
            text.Append("| `").Append(component.Name).Append("` | ").Append(component.Kind).Append(" | ").Append(component.Summary).Append(" |\n");
        }

        text.Append("\n## Which message leads to which\n\n");
        text.Append(Mermaid(catalog, catalog.Relations));
        return text.ToString();
    }

    private static string Page(EventCatalog catalog, CatalogMessage message)
    {
        var text = new StringBuilder();
        text.Append("# `").Append(message.Name).Append("`\n\n").Append(message.Summary).Append("\n\n");
        text.Append("| | |\n|---|---|\n");
        text.Append("| kind | ").Append(KindText(message.Kind)).Append(" |\n");
        text.Append("| category | ").Append(CategoryText(message.Category)).Append(" |\n");
        text.Append("| owner | ").Append(message.Owner).Append(" |\n");
        if (message.Stream is not null)
        {
            text.Append("| stream | `").Append(message.Stream).Append("` |\n");
        }

        text.Append("| versions | ").Append(Versions(catalog, message.Name)).Append(" |\n");
        text.Append("| produced by | ").Append(List(catalog.ProducersOf(message.Name))).Append(" |\n");
        text.Append("| consumed by | ").Append(List(catalog.ConsumersOf(message.Name))).Append(" |\n\n");
        CatalogRelation[] around = [.. catalog.Relations.Where(r => r.From == message.Name || r.To == message.Name)];
        if (around.Length > 0)
        {
            text.Append("## Relationships\n\n").Append(Mermaid(catalog, around)).Append('\n');
        }

        foreach (SchemaRegistration version in catalog.Schemas.VersionsOf(message.Name))
        {
            AppendSchema(text, message.Kind == CatalogMessageKind.Query ? "Arguments, version " : "Version ", version);
        }

        if (message.ResultName is not null)
        {
            foreach (SchemaRegistration version in catalog.Schemas.VersionsOf(message.ResultName))
            {
                AppendSchema(text, "Answer, version ", version);
            }
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static void AppendSchema(StringBuilder text, string title, SchemaRegistration version)
    {
        text.Append("## ").Append(title).Append(version.Version.ToString(CultureInfo.InvariantCulture))
            .Append(" (compatibility ").Append(SchemaLockFolder.ModeName(version.Mode)).Append(")\n\n```json\n")
            .Append(SchemaExporter.ToCanonicalText(SchemaExporter.Export(version.ClrType))).Append("```\n\n");
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "-" : string.Join(", ", names.Select(n => "`" + n + "`"));

    // Mermaid ids must be plain: every entry gets n0, n1, ... in catalog order; labels carry the real names.
    private static string Mermaid(EventCatalog catalog, IReadOnlyList<CatalogRelation> relations)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (CatalogMessage message in catalog.Messages)
        {
            ids[message.Name] = "n" + ids.Count.ToString(CultureInfo.InvariantCulture);
            shapes[message.Name] = message.Kind switch
            {
                CatalogMessageKind.Command => "[/\"{0}\"/]",
                CatalogMessageKind.Query => "{{\"{0}\"}}",
                CatalogMessageKind.EngineRecord => "((\"{0}\"))",
                _ => "[\"{0}\"]",
            };
        }

        foreach (CatalogComponent component in catalog.Components)
        {
            ids[component.Name] = "n" + ids.Count.ToString(CultureInfo.InvariantCulture);
            shapes[component.Name] = "([\"{0}\"])";
        }

        var text = new StringBuilder("```mermaid\nflowchart LR\n");
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (CatalogRelation relation in relations)
        {
            foreach (string end in new[] { relation.From, relation.To })
            {
                if (declared.Add(end))
                {
                    text.Append("  ").Append(ids[end]).Append(string.Format(CultureInfo.InvariantCulture, shapes[end], end)).Append('\n');
                }
            }
        }

        foreach (CatalogRelation relation in relations)
        {
            text.Append("  ").Append(ids[relation.From]).Append(" -- ").Append(relation.How).Append(" --> ").Append(ids[relation.To]).Append('\n');
        }

        return text.Append("```\n").ToString();
    }

    /// <summary>The catalog as JSON: service, messages (with every version's schema), components, relations.</summary>
    public static string ToJson(EventCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var messages = new JsonArray();
        foreach (CatalogMessage message in catalog.Messages)
        {
            var entry = new JsonObject
            {
                ["name"] = message.Name,
                ["kind"] = KindText(message.Kind),
                ["category"] = CategoryText(message.Category),
                ["owner"] = message.Owner,
                ["summary"] = message.Summary,
            };
            if (message.Stream is not null)
            {
                entry["stream"] = message.Stream;
            }

            entry["versions"] = VersionsJson(catalog, message.Name);
            if (message.ResultName is not null)
            {
                entry["result"] = new JsonObject { ["name"] = message.ResultName, ["versions"] = VersionsJson(catalog, message.ResultName) };
            }

            entry["producers"] = new JsonArray([.. catalog.ProducersOf(message.Name).Select(n => (JsonNode)JsonValue.Create(n)!)]);
            entry["consumers"] = new JsonArray([.. catalog.ConsumersOf(message.Name).Select(n => (JsonNode)JsonValue.Create(n)!)]);
            messages.Add(entry);
        }

        var document = new JsonObject
        {
            ["service"] = new JsonObject
            {
                ["name"] = catalog.Service.Name,
                ["version"] = catalog.Service.Version,
                ["description"] = catalog.Service.Description,
            },
            ["messages"] = messages,
            ["components"] = new JsonArray([.. catalog.Components.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["kind"] = c.Kind, ["summary"] = c.Summary })]),
            ["relations"] = new JsonArray([.. catalog.Relations.Select(r => (JsonNode)new JsonObject { ["from"] = r.From, ["to"] = r.To, ["how"] = r.How })]),
        };
        return document.ToJsonString(s_indented) + "\n";
    }

    private static JsonArray VersionsJson(EventCatalog catalog, string name) =>
        new([.. catalog.Schemas.VersionsOf(name).Select(v => (JsonNode)new JsonObject
        {
            ["version"] = v.Version,
            ["compatibility"] = SchemaLockFolder.ModeName(v.Mode),
            ["schema"] = SchemaExporter.Export(v.ClrType),
        })]);

    /// <summary>
    /// The catalog as an AsyncAPI 3.0 document: one channel per command, event and window result type and per query
    /// (its address the type name), one message per type and version (payload: that version's JSON Schema, draft 07),
    /// the service receiving commands and queries (a query with a reply) and sending events and window results.
    /// Engine records are not messages on any channel and are left out.
    /// </summary>
    public static string ToAsyncApi(EventCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var channels = new JsonObject();
        var operations = new JsonObject();
        var components = new JsonObject();
        foreach (CatalogMessage message in catalog.Messages.Where(m => m.Kind != CatalogMessageKind.EngineRecord))
        {
            var channelMessages = new JsonObject();
            var operationMessages = new JsonArray();
            foreach (SchemaRegistration version in catalog.Schemas.VersionsOf(message.Name))
            {
                string id = MessageId(message.Name, version.Version);
                components[id] = MessageJson(message.Name, message.Summary, version);
                channelMessages[id] = new JsonObject { ["$ref"] = "#/components/messages/" + id };
                operationMessages.Add(new JsonObject { ["$ref"] = $"#/channels/{message.Name}/messages/{id}" });
            }

            var replyMessages = new JsonArray();
            if (message.ResultName is not null)
            {
                foreach (SchemaRegistration version in catalog.Schemas.VersionsOf(message.ResultName))
                {
                    string id = MessageId(message.ResultName, version.Version);
                    components[id] = MessageJson(message.ResultName, "The answer to " + message.Name + ".", version);
                    channelMessages[id] = new JsonObject { ["$ref"] = "#/components/messages/" + id };
                    replyMessages.Add(new JsonObject { ["$ref"] = $"#/channels/{message.Name}/messages/{id}" });
                }
            }

            channels[message.Name] = new JsonObject
            {
                ["address"] = message.Name,
                ["title"] = message.Name,
                ["description"] = $"{KindText(message.Kind)} ({CategoryText(message.Category)}, owner {message.Owner}). {message.Summary}",
                ["messages"] = channelMessages,
            };
            bool received = message.Kind is CatalogMessageKind.Command or CatalogMessageKind.Query;
            var operation = new JsonObject
            {
                ["action"] = received ? "receive" : "send",
                ["channel"] = new JsonObject { ["$ref"] = "#/channels/" + message.Name },
                ["summary"] = message.Kind switch
                {
                    CatalogMessageKind.Command => "A client publishes it (PUBLISH); the service acknowledges it (ACK).",
                    CatalogMessageKind.Query => "A client asks it (QUERY); the service answers (RESULT).",
                    _ => "The service stores it; clients READ it or SUBSCRIBE to it.",
                },
                ["messages"] = operationMessages,
            };
            if (replyMessages.Count > 0)
            {
                operation["reply"] = new JsonObject
                {
                    ["channel"] = new JsonObject { ["$ref"] = "#/channels/" + message.Name },
                    ["messages"] = replyMessages,
                };
            }

            operations[(received ? "receive-" : "send-") + message.Name] = operation;
        }

        var document = new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = catalog.Service.Name,
                ["version"] = catalog.Service.Version,
                ["description"] = catalog.Service.Description + " Generated from the code (docs/catalog); the framing is Pipeline's binary protocol (docs/protocol.md).",
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                ["pipeline"] = new JsonObject
                {
                    ["host"] = catalog.Service.Host,
                    ["protocol"] = "tcp",
                    ["description"] = "Pipeline's length-prefixed binary frames (shared/spec/protocol.md, docs/protocol.md); payloads are these JSON messages.",
                },
            },
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject { ["messages"] = components },
        };
        return document.ToJsonString(s_indented) + "\n";
    }

    private static string MessageId(string name, int version) => name + ".v" + version.ToString(CultureInfo.InvariantCulture);

    private static JsonObject MessageJson(string name, string summary, SchemaRegistration version) => new()
    {
        ["name"] = name,
        ["title"] = $"{name} version {version.Version.ToString(CultureInfo.InvariantCulture)}",
        ["summary"] = summary,
        ["contentType"] = "application/json",
        ["payload"] = new JsonObject
        {
            ["schemaFormat"] = "application/schema+json;version=draft-07",
            ["schema"] = SchemaExporter.Export(version.ClrType),
        },
    };
}
