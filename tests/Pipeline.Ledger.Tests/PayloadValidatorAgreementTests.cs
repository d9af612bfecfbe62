using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Pipeline.Ledger.Catalog;
using Pipeline.Schemas;
using Pipeline.Schemas.Validation;
using Xunit;

namespace Pipeline.Ledger.Tests;

/// <summary>The hot-path payload validator against JsonSchema.Net (a full JSON Schema implementation) on every published ledger schema: same verdict on random documents.</summary>
public sealed class PayloadValidatorAgreementTests
{
    private static readonly string[] s_noise = ["zz", "Account", "amount "];

    // Random JSON built from the schema's member names (each present or not, of a right or a wrong type) plus noise members.
    internal static JsonNode? RandomValue(Random random, JsonNode? schema, int depth)
    {
        int pick = random.Next(10);
        if (schema is JsonObject s && s.TryGetPropertyValue("properties", out JsonNode? properties) && pick < 6 && depth < 4)
        {
            var obj = new JsonObject();
            foreach ((string name, JsonNode? property) in properties!.AsObject())
            {
                if (random.Next(8) != 0)
                {
                    obj[name] = RandomValue(random, property, depth + 1);
                }
            }

            if (random.Next(6) == 0)
            {
                obj[s_noise[random.Next(s_noise.Length)]] = RandomValue(random, null, depth + 1);
            }

            return obj;
        }

        if (schema is JsonObject a && a.TryGetPropertyValue("items", out JsonNode? items) && pick < 6 && depth < 4)
        {
            var array = new JsonArray();
            for (int i = random.Next(4); i > 0; i--)
            {
                array.Add(RandomValue(random, items, depth + 1));
            }

            return array;
        }

        if (schema is JsonObject typed && typed.TryGetPropertyValue("type", out JsonNode? type) && random.Next(5) != 0)
        {
            // Mostly a value of a type the schema allows, so that valid documents are common too.
            string[] allowed = type is JsonArray list ? [.. list.Select(t => t!.GetValue<string>())] : [type!.GetValue<string>()];
            switch (allowed[random.Next(allowed.Length)])
            {
                case "string":
                    return JsonValue.Create("s" + random.Next(10).ToString(CultureInfo.InvariantCulture));
                case "integer":
                    return JsonValue.Create(random.Next(0, 1000));
                case "number":
                    return JsonValue.Create(random.Next(100) + 0.25);
                case "null":
                    return null;
                case "boolean":
                    return JsonValue.Create(true);
            }
        }

        return random.Next(9) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next(2) == 0),
            2 => JsonValue.Create(random.Next(-5, 1000)),
            3 => JsonValue.Create(random.Next(100) + 0.5),
            4 => JsonNode.Parse("3.0"),
            5 => JsonValue.Create("s" + random.Next(10).ToString(CultureInfo.InvariantCulture)),
            6 => new JsonArray(JsonValue.Create(1)),
            7 => new JsonObject { ["k"] = 1 },
            _ => JsonValue.Create(long.MaxValue - random.Next(10)),
        };
    }

    [Fact]
    public void RandomDocuments_EveryLedgerSchema_SameVerdictAsJsonSchemaNet()
    {
        var random = new Random(1234);
        int valid = 0;
        int invalid = 0;
        foreach (SchemaRegistration registration in LedgerCatalog.CreateSchemas().Registrations)
        {
            JsonNode exported = SchemaExporter.Export(registration.ClrType);
            PayloadValidator ours = PayloadValidator.Compile(exported);
            JsonSchema reference = JsonSchema.FromText(exported.ToJsonString());
            for (int i = 0; i < 1500; i++)
            {
                JsonNode? document = RandomValue(random, exported, 0);
                string text = document?.ToJsonString() ?? "null";
                bool expected = reference.Evaluate(JsonDocument.Parse(text).RootElement).IsValid;
                bool actual = ours.Validate(Encoding.UTF8.GetBytes(text), out string? error);
                Assert.True(expected == actual, $"{registration.TypeName} v{registration.Version}: {text}: JsonSchema.Net says {(expected ? "valid" : "invalid")}, the validator {(actual ? "valid" : "invalid: " + error)}");
                if (actual)
                {
                    valid++;
                }
                else
                {
                    invalid++;
                }
            }
        }

        // Both verdicts are well represented, or the agreement would say little.
        Assert.True(valid > 2_000 && invalid > 2_000, $"{valid} valid, {invalid} invalid documents");
    }
}
