using System.Text.Json.Nodes;
using Xunit;

namespace Pipeline.Schemas.Tests;

public class SchemaExporterTests
{
    [Fact]
    public void ToCanonicalText_SameTypeTwice_IsIdentical()
    {
        string first = SchemaExporter.ToCanonicalText(SchemaExporter.Export(typeof(Order)));

        string second = SchemaExporter.ToCanonicalText(SchemaExporter.Export(typeof(Order)));

        Assert.Equal(first, second);
        Assert.DoesNotContain("\r", first, System.StringComparison.Ordinal);
        Assert.EndsWith("}\n", first, System.StringComparison.Ordinal);
    }

    [Fact]
    public void ToCanonicalText_KeysInAnyOrder_GivesTheSameText()
    {
        JsonNode a = JsonNode.Parse("""{"type":"object","required":["b","a"],"properties":{"b":{"type":"string"},"a":{"type":"integer"}}}""")!;
        JsonNode b = JsonNode.Parse("""{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a","b"],"type":"object"}""")!;

        string textA = SchemaExporter.ToCanonicalText(a);
        string textB = SchemaExporter.ToCanonicalText(b);

        Assert.Equal(textA, textB);
        Assert.True(textA.IndexOf("\"a\"", System.StringComparison.Ordinal) < textA.IndexOf("\"b\"", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Export_Record_DeclaresPropertiesTypesNullabilityAndRequired()
    {
        JsonNode schema = SchemaExporter.Export(typeof(DepositV2));

        Assert.Equal("object", schema["type"]!.GetValue<string>());
        Assert.Equal("string", schema["properties"]!["Account"]!["type"]!.GetValue<string>());
        Assert.Equal("integer", schema["properties"]!["Amount"]!["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["string","null"]"""), schema["properties"]!["Reference"]!["type"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["Account","Amount"]"""), schema["required"]));
    }

    [Fact]
    public void Export_ClosedType_HasAdditionalPropertiesFalse()
    {
        JsonNode schema = SchemaExporter.Export(typeof(ClosedDeposit));

        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
    }
}
