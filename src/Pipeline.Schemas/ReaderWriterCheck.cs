using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Pipeline.Schemas;

/// <summary>
/// Decides whether every document valid under a writer schema is valid under a reader schema, for the subset of
/// JSON Schema that the System.Text.Json exporter produces.
/// </summary>
/// <remarks>
/// One deliberate departure from a literal reading of JSON Schema: a writer with an open content model is assumed
/// to write only the properties it declares, because the writer is our own C# type and the serializer never
/// invents members. Without that assumption adding any optional property would break BACKWARD, which surprises
/// everyone (Confluent reports it as PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL).
/// </remarks>
internal static class ReaderWriterCheck
{
    internal readonly record struct Finding(string Path, string Rule, string Detail);

    private static readonly HashSet<string> s_modelledKeywords = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "items", "enum",
    };

    // Annotations change no document's validity, so editing them is always compatible.
    private static readonly HashSet<string> s_annotationKeywords = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated",
    };

    private static readonly JsonObject s_anything = new();

    public static List<Finding> Check(JsonNode reader, JsonNode writer)
    {
        var findings = new List<Finding>();
        CheckNode(reader, writer, "$", findings);
        return findings;
    }

    private static void CheckNode(JsonNode? reader, JsonNode? writer, string path, List<Finding> findings)
    {
        if (IsBoolean(writer, out bool writerValue))
        {
            if (!writerValue)
            {
                return;   // the writer produces nothing here, so any reader accepts all of it
            }

            writer = s_anything;
        }

        if (IsBoolean(reader, out bool readerValue))
        {
            if (!readerValue)
            {
                findings.Add(new Finding(path, CompatibilityRules.TypeNarrowed,
                    "the reading schema accepts no value here (false), but the writing schema allows values"));
            }

            return;
        }

        if (reader is not JsonObject r || writer is not JsonObject w)
        {
            return;
        }

        CheckUnsupportedKeywords(r, w, path, findings);
        CheckTypes(r, w, path, findings);
        CheckEnum(r, w, path, findings);
        CheckObject(r, w, path, findings);
        CheckItems(r, w, path, findings);
    }

    private static void CheckUnsupportedKeywords(JsonObject r, JsonObject w, string path, List<Finding> findings)
    {
        IEnumerable<string> keys = r.Select(e => e.Key).Union(w.Select(e => e.Key), StringComparer.Ordinal)
            .Where(k => !s_modelledKeywords.Contains(k) && !s_annotationKeywords.Contains(k))
            .OrderBy(k => k, StringComparer.Ordinal);
        foreach (string key in keys)
        {
            bool inReader = r.TryGetPropertyValue(key, out JsonNode? readerValue);
            bool inWriter = w.TryGetPropertyValue(key, out JsonNode? writerValue);
            if (inReader != inWriter || !JsonNode.DeepEquals(readerValue, writerValue))
            {
                findings.Add(new Finding(path, CompatibilityRules.UnsupportedKeywordChanged,
                    $"keyword '{key}' differs ({Show(writerValue)} -> {Show(readerValue)}); the checker does not reason about it, so keep it unchanged or publish a new type"));
            }
        }
    }

    private static void CheckTypes(JsonObject r, JsonObject w, string path, List<Finding> findings)
    {
        List<string>? readerTypes = TypesOf(r);
        if (readerTypes is null)
        {
            return;
        }

        List<string>? writerTypes = TypesOf(w);
        if (writerTypes is null)
        {
            findings.Add(new Finding(path, CompatibilityRules.TypeNarrowed,
                $"the writing schema allows any type, the reading schema only {string.Join("|", readerTypes)}"));
            return;
        }

        foreach (string type in writerTypes)
        {
            // Every integer is a number, so integer -> number widens; the reverse loses 1.5.
            bool accepted = readerTypes.Contains(type) || (type == "integer" && readerTypes.Contains("number"));
            if (!accepted)
            {
                string hint = type == "null"
                    ? "the value may be null, which the reading schema does not accept; keep it nullable"
                    : $"the value may be {type}, which the reading schema does not accept (it accepts {string.Join("|", readerTypes)})";
                findings.Add(new Finding(path, CompatibilityRules.TypeNarrowed, hint));
            }
        }
    }

    private static void CheckEnum(JsonObject r, JsonObject w, string path, List<Finding> findings)
    {
        if (r["enum"] is not JsonArray readerValues)
        {
            return;
        }

        if (w["enum"] is not JsonArray writerValues)
        {
            findings.Add(new Finding(path, CompatibilityRules.EnumValueNotAccepted,
                "the reading schema restricts the value to an enum the writing schema does not have"));
            return;
        }

        foreach (JsonNode? value in writerValues)
        {
            if (!readerValues.Any(v => JsonNode.DeepEquals(v, value)))
            {
                findings.Add(new Finding(path, CompatibilityRules.EnumValueNotAccepted,
                    $"enum value {Show(value)} may be written but is not accepted by the reading schema; keep the value"));
            }
        }
    }

    private static void CheckObject(JsonObject r, JsonObject w, string path, List<Finding> findings)
    {
        JsonObject readerProperties = r["properties"] as JsonObject ?? new JsonObject();
        JsonObject writerProperties = w["properties"] as JsonObject ?? new JsonObject();
        HashSet<string> writerRequired = RequiredOf(w);

        foreach (string name in RequiredOf(r).Order(StringComparer.Ordinal))
        {
            if (!writerRequired.Contains(name))
            {
                findings.Add(new Finding(Child(path, name), CompatibilityRules.RequiredPropertyAdded,
                    $"'{name}' is required by the reading schema but the writing schema may omit it; make it optional (nullable or with a default)"));
            }
        }

        JsonNode? readerAdditional = r["additionalProperties"];
        JsonNode? writerAdditional = w["additionalProperties"];
        bool readerClosed = IsBoolean(readerAdditional, out bool readerAllows) && !readerAllows;

        foreach (KeyValuePair<string, JsonNode?> property in writerProperties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string childPath = Child(path, property.Key);
            if (readerProperties.TryGetPropertyValue(property.Key, out JsonNode? readerProperty))
            {
                CheckNode(readerProperty, property.Value, childPath, findings);
            }
            else if (readerClosed)
            {
                findings.Add(new Finding(childPath, CompatibilityRules.PropertyNotAllowedByClosedModel,
                    $"'{property.Key}' may be written but the reading schema is closed (additionalProperties: false) and does not declare it; declare it or open the model"));
            }
            else if (readerAdditional is JsonObject)
            {
                CheckNode(readerAdditional, property.Value, childPath, findings);
            }
        }

        // A writer whose extra properties follow a schema (a dictionary) really does write undeclared names.
        if (writerAdditional is JsonObject)
        {
            foreach (KeyValuePair<string, JsonNode?> property in readerProperties.Where(p => !writerProperties.ContainsKey(p.Key)))
            {
                CheckNode(property.Value, writerAdditional, Child(path, property.Key), findings);
            }

            if (readerClosed)
            {
                findings.Add(new Finding(path + ".*", CompatibilityRules.PropertyNotAllowedByClosedModel,
                    "the writing schema allows arbitrary extra properties but the reading schema is closed"));
            }
            else if (readerAdditional is JsonObject)
            {
                CheckNode(readerAdditional, writerAdditional, path + ".*", findings);
            }
        }
    }

    private static void CheckItems(JsonObject r, JsonObject w, string path, List<Finding> findings)
    {
        if (!r.TryGetPropertyValue("items", out JsonNode? readerItems))
        {
            return;
        }

        w.TryGetPropertyValue("items", out JsonNode? writerItems);
        CheckNode(readerItems, writerItems ?? s_anything, path + "[*]", findings);
    }

    private static List<string>? TypesOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue single => [single.GetValue<string>()],
        JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
        _ => null,
    };

    private static HashSet<string> RequiredOf(JsonObject schema) => schema["required"] is JsonArray required
        ? required.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)
        : new HashSet<string>(StringComparer.Ordinal);

    private static bool IsBoolean(JsonNode? node, out bool value)
    {
        if (node is JsonValue v && v.TryGetValue(out bool b))
        {
            value = b;
            return true;
        }

        value = true;
        return false;
    }

    private static string Child(string path, string name) => path + "." + name;

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "(absent)";
}
