using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Schemas.Validation;

/// <summary>
/// A JSON Schema compiled for validating payloads on a hot path: one pass of <see cref="Utf8JsonReader"/> over the
/// bytes, nothing allocated when the payload is valid, and on the first violation the JSON path of the offending
/// member and why (<c>$.lines[2].qty: expected integer, got string</c>).
/// </summary>
/// <remarks>
/// Takes the subset <see cref="SchemaExporter"/> produces: <c>type</c> (one or a list), <c>properties</c>,
/// <c>required</c>, <c>additionalProperties</c> (<c>false</c>, <c>true</c> or a schema), <c>items</c>, <c>enum</c> of
/// strings or integers, and the annotations <c>default</c>, <c>description</c>, <c>title</c>, <c>$schema</c>. Any
/// other keyword is refused when compiling (<see cref="NotSupportedException"/>), so a schema is never checked
/// more loosely than it says. Thread-safe once compiled.
/// </remarks>
public sealed class PayloadValidator
{
    private const int MaxDepth = 64;
    private readonly Node _root;

    private PayloadValidator(Node root)
    {
        _root = root;
    }

    /// <summary>Compiles <paramref name="schema"/>.</summary>
    /// <exception cref="NotSupportedException">The schema uses a keyword outside the supported subset.</exception>
    public static PayloadValidator Compile(JsonNode schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new PayloadValidator(CompileNode(schema, "#"));
    }

    /// <summary>Compiles the schema of <paramref name="type"/> as <see cref="SchemaExporter"/> exports it.</summary>
    public static PayloadValidator For(Type type) => Compile(SchemaExporter.Export(type));

    /// <summary>Whether <paramref name="json"/> is one JSON value valid under the schema; if not, where and why.</summary>
    public bool Validate(ReadOnlySpan<byte> json, out string? error)
    {
        if (json.IsEmpty)
        {
            error = "$: empty payload";
            return false;
        }

        // Several top-level values are read, so that bytes after the payload's value are reported as such.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth, AllowMultipleValues = true });
        try
        {
            if (!reader.Read())
            {
                error = "$: empty payload";
                return false;
            }

            if (!Check(ref reader, _root, out error))
            {
                error = "$" + error;
                return false;
            }

            if (reader.Read())
            {
                error = "$: bytes after the value";
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = $"$: not JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine})";
            return false;
        }

        error = null;
        return true;
    }

    // On failure, error is the path below this value (".amount: ...", "[3]: ...", or ": ..." for the value itself).
    private static bool Check(ref Utf8JsonReader reader, Node node, out string? error)
    {
        JsonTypes actual = TypeOf(ref reader);
        if ((node.Types & actual) == 0 && !(actual == JsonTypes.Number && (node.Types & JsonTypes.Integer) != 0 && IsIntegral(ref reader)))
        {
            error = $": expected {Describe(node.Types)}, got {Describe(actual)}";
            return false;
        }

        if (node.Enum is not null && !InEnum(ref reader, node.Enum))
        {
            error = $": not one of {string.Join(", ", node.Enum.Select(e => e.Text))}";
            return false;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return CheckObject(ref reader, node, out error);
            case JsonTokenType.StartArray:
                return CheckArray(ref reader, node, out error);
            default:
                error = null;
                return true;
        }
    }

    private static bool CheckObject(ref Utf8JsonReader reader, Node node, out string? error)
    {
        // Up to 64 required members are tracked in a bit mask; a schema with more is refused at compile time.
        ulong seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int index = node.IndexOf(ref reader);
            string? name = null;
            Node? child;
            if (index >= 0)
            {
                if ((seen & (1UL << index)) != 0)
                {
                    error = "." + reader.GetString() + ": repeated";
                    return false;
                }

                seen |= 1UL << index;
                child = node.Properties[index].Schema;
            }
            else if (node.AdditionalAllowed)
            {
                child = node.Additional;
            }
            else
            {
                error = "." + reader.GetString() + ": not a member of this object (additionalProperties is false)";
                return false;
            }

            if (child is null)
            {
                name = null;
                reader.Read();
                reader.Skip();
                continue;
            }

            if (!reader.Read())
            {
                error = ": the object ends early";
                return false;
            }

            if (!Check(ref reader, child, out error))
            {
                // Only now, on failure: the member's name for the path.
                name ??= index >= 0 ? node.Properties[index].Name : "?";
                error = "." + name + error;
                return false;
            }
        }

        if ((seen & node.RequiredMask) != node.RequiredMask)
        {
            error = "." + FirstMissing(node, seen) + ": required, missing";
            return false;
        }

        error = null;
        return true;
    }

    // Apart from CheckObject: a lambda there would make the compiler allocate its closure on every call.
    private static string FirstMissing(Node node, ulong seen)
    {
        for (int i = 0; i < node.Properties.Length; i++)
        {
            if ((node.RequiredMask & (1UL << i)) != 0 && (seen & (1UL << i)) == 0)
            {
                return node.Properties[i].Name;
            }
        }

        return "?";
    }

    private static bool CheckArray(ref Utf8JsonReader reader, Node node, out string? error)
    {
        int i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (node.Items is null)
            {
                reader.Skip();
            }
            else if (!Check(ref reader, node.Items, out error))
            {
                error = "[" + i.ToString(CultureInfo.InvariantCulture) + "]" + error;
                return false;
            }

            i++;
        }

        error = null;
        return true;
    }

    private static bool IsIntegral(ref Utf8JsonReader reader) =>
        reader.TryGetInt64(out _) || (reader.TryGetDecimal(out decimal d) && decimal.Truncate(d) == d);

    private static bool InEnum(ref Utf8JsonReader reader, EnumValue[] values)
    {
        foreach (EnumValue value in values)
        {
            if (value.Utf8 is not null ? reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(value.Utf8)
                : reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long n) && n == value.Integer)
            {
                return true;
            }
        }

        return false;
    }

    private static JsonTypes TypeOf(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => JsonTypes.Null,
        JsonTokenType.True or JsonTokenType.False => JsonTypes.Boolean,
        JsonTokenType.Number => reader.TryGetInt64(out _) ? JsonTypes.Integer | JsonTypes.Number : JsonTypes.Number,
        JsonTokenType.String => JsonTypes.String,
        JsonTokenType.StartArray => JsonTypes.Array,
        JsonTokenType.StartObject => JsonTypes.Object,
        _ => JsonTypes.None,
    };

    private static string Describe(JsonTypes types)
    {
        if ((types & JsonTypes.Integer) != 0 && (types & JsonTypes.Number) != 0 && types != JsonTypes.Any)
        {
            types &= ~JsonTypes.Number; // an integer read from the payload: say "integer"
        }

        var names = new List<string>();
        foreach (JsonTypes t in new[] { JsonTypes.Null, JsonTypes.Boolean, JsonTypes.Integer, JsonTypes.Number, JsonTypes.String, JsonTypes.Array, JsonTypes.Object })
        {
            if ((types & t) != 0)
            {
                names.Add(t.ToString().ToLowerInvariant());
            }
        }

        return names.Count == 0 ? "nothing" : string.Join(" or ", names);
    }

    private static Node CompileNode(JsonNode schema, string at)
    {
        if (schema is JsonValue v && v.TryGetValue(out bool any))
        {
            return any ? new Node { Types = JsonTypes.Any } : new Node { Types = JsonTypes.None };
        }

        if (schema is not JsonObject obj)
        {
            throw new NotSupportedException($"{at}: a schema is an object or a boolean");
        }

        var node = new Node { Types = JsonTypes.Any };
        var properties = new List<(string Name, byte[] Utf8, Node Schema)>();
        string[] required = [];
        foreach ((string keyword, JsonNode? value) in obj)
        {
            switch (keyword)
            {
                case "type":
                    node.Types = value is JsonArray list ? list.Aggregate(JsonTypes.None, (t, x) => t | TypeNamed(x!.GetValue<string>(), at)) : TypeNamed(value!.GetValue<string>(), at);
                    break;
                case "properties":
                    foreach ((string name, JsonNode? property) in value!.AsObject())
                    {
                        properties.Add((name, Encoding.UTF8.GetBytes(name), CompileNode(property!, $"{at}/properties/{name}")));
                    }

                    break;
                case "required":
                    required = [.. value!.AsArray().Select(r => r!.GetValue<string>())];
                    break;
                case "additionalProperties":
                    if (value is JsonValue flag && flag.TryGetValue(out bool allowed))
                    {
                        node.AdditionalAllowed = allowed;
                    }
                    else
                    {
                        node.Additional = CompileNode(value!, at + "/additionalProperties");
                    }

                    break;
                case "items":
                    node.Items = CompileNode(value!, at + "/items");
                    break;
                case "enum":
                    node.Enum = [.. value!.AsArray().Select(e => e!.GetValueKind() == JsonValueKind.String
                        ? new EnumValue(Encoding.UTF8.GetBytes(e.GetValue<string>()), 0, JsonSerializer.Serialize(e.GetValue<string>()))
                        : e.GetValueKind() == JsonValueKind.Number ? new EnumValue(null, e.GetValue<long>(), e.ToJsonString())
                        : throw new NotSupportedException($"{at}/enum: only string and integer values are supported"))];
                    break;
                case "default" or "description" or "title" or "$schema" or "$comment":
                    break;
                default:
                    throw new NotSupportedException($"{at}: keyword '{keyword}' is not supported by the payload validator");
            }
        }

        foreach (string name in required)
        {
            if (!properties.Any(p => p.Name == name))
            {
                // A required member without a property schema: accept any value for it, but demand it.
                properties.Add((name, Encoding.UTF8.GetBytes(name), new Node { Types = JsonTypes.Any }));
            }
        }

        if (properties.Count > 64)
        {
            throw new NotSupportedException($"{at}: more than 64 properties");
        }

        node.Properties = [.. properties.Select(p => new Property(p.Name, p.Utf8, p.Schema))];
        for (int i = 0; i < node.Properties.Length; i++)
        {
            if (required.Contains(node.Properties[i].Name))
            {
                node.RequiredMask |= 1UL << i;
            }
        }

        return node;
    }

    private static JsonTypes TypeNamed(string name, string at) => name switch
    {
        "null" => JsonTypes.Null,
        "boolean" => JsonTypes.Boolean,
        "integer" => JsonTypes.Integer,
        "number" => JsonTypes.Number | JsonTypes.Integer,
        "string" => JsonTypes.String,
        "array" => JsonTypes.Array,
        "object" => JsonTypes.Object,
        _ => throw new NotSupportedException($"{at}: type '{name}'"),
    };

    [Flags]
    private enum JsonTypes
    {
        None = 0,
        Null = 1,
        Boolean = 2,
        Integer = 4,
        Number = 8,
        String = 16,
        Array = 32,
        Object = 64,
        Any = 127,
    }

    private sealed record Property(string Name, byte[] Utf8, Node Schema);

    private sealed record EnumValue(byte[]? Utf8, long Integer, string Text);

    private sealed class Node
    {
        public JsonTypes Types { get; set; }

        public Property[] Properties { get; set; } = [];

        public ulong RequiredMask { get; set; }

        public bool AdditionalAllowed { get; set; } = true;

        public Node? Additional { get; set; }

        public Node? Items { get; set; }

        public EnumValue[]? Enum { get; set; }

        public int IndexOf(ref Utf8JsonReader reader)
        {
            for (int i = 0; i < Properties.Length; i++)
            {
                if (reader.ValueTextEquals(Properties[i].Utf8))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
