using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pipeline.Schemas.Validation;
using Xunit;

namespace Pipeline.Schemas.Tests;

public sealed class PayloadValidatorTests
{
    public sealed record Line([property: JsonPropertyName("sku")] string Sku, [property: JsonPropertyName("qty")] int Qty);

    public sealed record Order(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("lines")] IReadOnlyList<Line> Lines,
        [property: JsonPropertyName("note")] string? Note = null,
        [property: JsonPropertyName("price")] double Price = 0);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record Closed([property: JsonPropertyName("a")] int A);

    private static readonly PayloadValidator s_order = PayloadValidator.For(typeof(Order));

    private static (bool Valid, string? Error) Check(PayloadValidator validator, string json)
    {
        bool valid = validator.Validate(Encoding.UTF8.GetBytes(json), out string? error);
        return (valid, error);
    }

    [Theory]
    [InlineData("{\"id\":\"o-1\",\"lines\":[]}")]
    [InlineData("{\"id\":\"o-1\",\"lines\":[{\"sku\":\"x\",\"qty\":2}],\"note\":null,\"price\":1.5,\"extra\":{\"any\":[1]}}")]
    [InlineData("{\"lines\":[{\"qty\":2.0,\"sku\":\"x\"}],\"id\":\"o-1\",\"price\":3}")]
    public void Validate_AValidPayload_IsValid(string json)
    {
        Assert.Equal((true, null), Check(s_order, json));
    }

    [Theory]
    [InlineData("{\"lines\":[]}", "$.id: required, missing")]
    [InlineData("{\"id\":7,\"lines\":[]}", "$.id: expected string, got integer")]
    [InlineData("{\"id\":\"o\",\"lines\":[{\"sku\":\"x\",\"qty\":2},{\"sku\":\"y\",\"qty\":\"3\"}]}", "$.lines[1].qty: expected integer, got string")]
    [InlineData("{\"id\":\"o\",\"lines\":[{\"sku\":\"x\",\"qty\":2.5}]}", "$.lines[0].qty: expected integer, got number")]
    [InlineData("{\"id\":\"o\",\"lines\":[{\"qty\":2}]}", "$.lines[0].sku: required, missing")]
    [InlineData("{\"id\":\"o\",\"lines\":{}}", "$.lines: expected array, got object")]
    [InlineData("{\"id\":null,\"lines\":[]}", "$.id: expected string, got null")]
    [InlineData("{\"id\":\"o\",\"id\":\"p\",\"lines\":[]}", "$.id: repeated")]
    [InlineData("[1]", "$: expected object, got array")]
    [InlineData("{\"id\":\"o\",\"lines\":[]} {}", "$: bytes after the value")]
    [InlineData("", "$: empty payload")]
    public void Validate_AnInvalidPayload_NamesThePathAndWhy(string json, string expected)
    {
        Assert.Equal((false, expected), Check(s_order, json));
    }

    [Fact]
    public void Validate_NotJson_SaysWhere()
    {
        (bool valid, string? error) = Check(s_order, "{\"id\":\"o\",");
        Assert.False(valid);
        Assert.StartsWith("$: not JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AClosedType_RefusesAnUnknownMember()
    {
        Assert.Equal((false, "$.b: not a member of this object (additionalProperties is false)"), Check(PayloadValidator.For(typeof(Closed)), "{\"a\":1,\"b\":2}"));
    }

    [Fact]
    public void Validate_EnumsOfStringsAndIntegers()
    {
        var validator = PayloadValidator.Compile(JsonNode.Parse("{\"type\":\"object\",\"properties\":{\"k\":{\"enum\":[\"a\",\"b\",3]}}}")!);
        Assert.True(Check(validator, "{\"k\":\"b\"}").Valid);
        Assert.True(Check(validator, "{\"k\":3}").Valid);
        Assert.Equal((false, "$.k: not one of \"a\", \"b\", 3"), Check(validator, "{\"k\":\"c\"}"));
    }

    [Theory]
    [InlineData("{\"type\":\"object\",\"minProperties\":1}")]
    [InlineData("{\"type\":\"string\",\"pattern\":\"x\"}")]
    [InlineData("{\"anyOf\":[{\"type\":\"string\"}]}")]
    [InlineData("{\"type\":\"strin\"}")]
    public void Compile_AKeywordOutsideTheSubset_IsRefused(string schema)
    {
        Assert.Throws<NotSupportedException>(() => PayloadValidator.Compile(JsonNode.Parse(schema)!));
    }

    [Fact]
    public void Validate_AValidPayload_AllocatesNothing()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"id\":\"o-1\",\"lines\":[{\"sku\":\"x\",\"qty\":2},{\"sku\":\"y\",\"qty\":3}],\"price\":9.5}");
        for (int i = 0; i < 100; i++)
        {
            Assert.True(s_order.Validate(json, out _));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            s_order.Validate(json, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
