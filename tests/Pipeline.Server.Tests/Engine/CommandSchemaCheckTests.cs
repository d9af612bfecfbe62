using System;
using System.Buffers;
using System.Text;
using System.Text.Json.Serialization;
using Pipeline.Application;
using Pipeline.Hosting;
using Pipeline.Hosting.Engine;
using Pipeline.Schemas;
using Xunit;

namespace Pipeline.Server.Tests.Engine;

/// <summary>The schema check after the decoder: which reason wins, when a path is given, and what each mode costs nothing for.</summary>
public sealed class CommandSchemaCheckTests
{
    private static readonly CommandTypes s_types = new(new CommandType("shop.order", 1, 2), new CommandType("shop.cancel", 1));

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static CommandSchemaCheck Create(PayloadValidation mode, SchemaRegistry? schemas = null) =>
        CommandSchemaCheck.Create(s_types, new Published(schemas ?? Registry()), mode) ?? throw new InvalidOperationException("no check");

    private static SchemaRegistry Registry() => new SchemaRegistry()
        .Register("shop.order", 1, typeof(OrderV1))
        .Register("shop.order", 2, typeof(OrderV2))
        .Register("shop.cancel", 1, typeof(CancelV1))
        .Register("shop.shipped", 1, typeof(CancelV1)); // an event: not a command, ignored

    [Fact]
    public void Create_OffOrNoPublishedSchemas_IsNoCheck()
    {
        Assert.Null(CommandSchemaCheck.Create(s_types, new Published(Registry()), PayloadValidation.Off));
        Assert.Null(CommandSchemaCheck.Create(s_types, new object(), PayloadValidation.All));
    }

    [Fact]
    public void Create_AnAcceptedVersionWithoutASchema_FailsNamingTypeAndVersion()
    {
        SchemaRegistry missing = new SchemaRegistry().Register("shop.order", 1, typeof(OrderV1)).Register("shop.cancel", 1, typeof(CancelV1));

        var ex = Assert.Throws<InvalidOperationException>(() => CommandSchemaCheck.Create(s_types, new Published(missing), PayloadValidation.Rejections));

        Assert.Contains("shop.order version 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Pipeline:Schemas:Validation=Off", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AcceptedValidPayload_StaysAcceptedWithoutExplanation()
    {
        string? reason = Create(PayloadValidation.All).Check(0, 1, Json("""{"sku":"a","qty":2}"""), null, out string? explanation);

        Assert.Null(reason);
        Assert.Null(explanation);
    }

    [Fact]
    public void Check_All_AcceptedPayloadTheSchemaRefuses_IsMalformedWithThePath()
    {
        string? reason = Create(PayloadValidation.All).Check(0, 1, Json("""{"sku":"a","qty":"2"}"""), null, out string? explanation);

        Assert.Equal("malformed_payload", reason);
        Assert.Equal("$.qty: expected integer, got string", explanation);
    }

    [Fact]
    public void Check_All_ClosedTypeWithAnUnknownMember_IsMalformedNamingIt()
    {
        string? reason = Create(PayloadValidation.All).Check(1, 1, Json("""{"order":"o-1","why":"late"}"""), null, out string? explanation);

        Assert.Equal("malformed_payload", reason);
        Assert.NotNull(explanation);
        Assert.StartsWith("$.why", explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Rejections_AcceptedPayloadIsNotValidated()
    {
        string? reason = Create(PayloadValidation.Rejections).Check(0, 1, Json("""{"sku":"a","qty":"2"}"""), null, out string? explanation);

        Assert.Null(reason);
        Assert.Null(explanation);
    }

    [Theory]
    [InlineData(PayloadValidation.Rejections)]
    [InlineData(PayloadValidation.All)]
    public void Check_DecoderRefusal_KeepsTheDecodersReasonAndAddsThePath(PayloadValidation mode)
    {
        string? reason = Create(mode).Check(0, 1, Json("""{"sku":"a","qty":1.5}"""), "invalid_quantity", out string? explanation);

        Assert.Equal("invalid_quantity", reason);
        Assert.Equal("$.qty: expected integer, got number", explanation);
    }

    [Fact]
    public void Check_DecoderRefusalTheSchemaAllows_HasNoExplanation()
    {
        // The decoder's own rule (say, qty at most 100) is stricter than the schema: its reason, no invented path.
        string? reason = Create(PayloadValidation.All).Check(0, 1, Json("""{"sku":"a","qty":1000}"""), "too_many", out string? explanation);

        Assert.Equal("too_many", reason);
        Assert.Null(explanation);
    }

    [Fact]
    public void Check_EachVersionHasItsOwnSchema()
    {
        CommandSchemaCheck check = Create(PayloadValidation.All);
        byte[] withNote = Json("""{"sku":"a","qty":1,"note":5}""");

        Assert.Null(check.Check(0, 1, withNote, null, out _)); // version 1 is open: note is an unknown member
        Assert.Equal("malformed_payload", check.Check(0, 2, withNote, null, out string? explanation));
        Assert.Equal("$.note: expected null or string, got integer", explanation);
    }

    [Fact]
    public void Check_AValidPayload_AllocatesNothing()
    {
        CommandSchemaCheck check = Create(PayloadValidation.All);
        byte[] payload = Json("""{"sku":"a-1","qty":3,"note":"gift"}""");
        Assert.Null(check.Check(0, 2, payload, null, out _));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            check.Check(0, 2, payload, null, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Shorten_LongExplanation_IsCutToTheLimitWithoutSplittingASurrogatePair()
    {
        Assert.Equal("short", CommandSchemaCheck.Shorten("short"));
        Assert.Null(CommandSchemaCheck.Shorten(null));

        string plain = CommandSchemaCheck.Shorten(new string('x', 1000))!;
        Assert.Equal(CommandSchemaCheck.MaxExplanationLength, plain.Length);
        Assert.EndsWith("...", plain, StringComparison.Ordinal);

        // A pair straddling the cut: the whole pair goes, never half of it.
        string text = new string('x', CommandSchemaCheck.MaxExplanationLength - 4) + "\U0001F600" + new string('y', 100);
        string cut = CommandSchemaCheck.Shorten(text)!;
        Assert.False(char.IsHighSurrogate(cut[^4]));
        Assert.Equal(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cut)), cut);
    }

    [Fact]
    public void Check_LongMemberName_ExplanationIsBounded()
    {
        string name = new('m', 5000);
        string? reason = Create(PayloadValidation.All).Check(1, 1, Json("{\"order\":\"o\",\"" + name + "\":1}"), null, out string? explanation);

        Assert.Equal("malformed_payload", reason);
        Assert.True(explanation!.Length <= CommandSchemaCheck.MaxExplanationLength);
    }

    private sealed class Published(SchemaRegistry registry) : ICommandSchemas
    {
        public SchemaRegistry Schemas { get; } = registry;
    }

    private sealed record OrderV1([property: JsonPropertyName("sku")] string Sku, [property: JsonPropertyName("qty")] long Qty);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record OrderV2([property: JsonPropertyName("sku")] string Sku, [property: JsonPropertyName("qty")] long Qty, [property: JsonPropertyName("note")] string? Note = null);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record CancelV1([property: JsonPropertyName("order")] string Order);
}
