using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Pipeline.Schemas;

/// <summary>Turns a C# type into its JSON Schema, normalised so that the same type always gives the same text.</summary>
public static class SchemaExporter
{
    // Nullable annotations and required constructor parameters are honoured so that the schema says what the
    // serializer actually enforces: a non-nullable string is not ["string","null"], a positional record
    // parameter is required.
    private static readonly JsonSerializerOptions s_serializerOptions = new(JsonSerializerDefaults.General)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    private static readonly JsonSchemaExporterOptions s_exporterOptions = new()
    {
        TreatNullObliviousAsNonNullable = true,
    };

    // "\n" on every platform: the committed files must be byte-identical whichever OS generated them.
    private static readonly JsonSerializerOptions s_textOptions = new()
    {
        WriteIndented = true,
        NewLine = "\n",
    };

    /// <summary>The normalised JSON Schema of <paramref name="type"/> under the serializer settings the engine uses for payloads.</summary>
    /// <remarks>Allocates a new node tree on every call; callers may mutate it.</remarks>
    public static JsonNode Export(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        JsonNode schema = s_serializerOptions.GetJsonSchemaAsNode(type, s_exporterOptions);
        return Normalize(schema);
    }

    /// <summary>The canonical text of a schema: keys sorted ordinally, indented, '\n' line ends and a final newline.</summary>
    public static string ToCanonicalText(JsonNode schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Normalize(schema).ToJsonString(s_textOptions) + "\n";
    }

    /// <summary>A deep copy of <paramref name="node"/> with object keys sorted ordinally and <c>required</c> lists sorted.</summary>
    /// <remarks>
    /// Array order is kept elsewhere (enum values and type lists are ordered by the code and stable); only
    /// <c>required</c> is a set whose order follows member declaration, which a harmless reordering would change.
    /// </remarks>
    internal static JsonNode Normalize(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
            {
                var sorted = new JsonObject();
                foreach (KeyValuePair<string, JsonNode?> entry in obj.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    JsonNode? value = entry.Value is null ? null : Normalize(entry.Value);
                    if (entry.Key == "required" && value is JsonArray required)
                    {
                        value = new JsonArray(required
                            .Select(r => r!.GetValue<string>())
                            .OrderBy(r => r, StringComparer.Ordinal)
                            .Select(r => (JsonNode?)JsonValue.Create(r))
                            .ToArray());
                    }

                    sorted.Add(entry.Key, value);
                }

                return sorted;
            }

            case JsonArray array:
                return new JsonArray(array.Select(item => item is null ? null : Normalize(item)).ToArray());

            default:
                return node.DeepClone();
        }
    }
}
