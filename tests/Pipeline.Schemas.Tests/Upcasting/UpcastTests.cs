using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Schemas.Upcasting;
using Xunit;

namespace Pipeline.Schemas.Tests.Upcasting;

public sealed class UpcastTests
{
    private static (bool Changed, string Output, int Written) Run(IUpcaster step, string payload)
    {
        var output = new ArrayBufferWriter<byte>();
        bool changed = step.TryUpcast(Encoding.UTF8.GetBytes(payload), output);
        return (changed, Encoding.UTF8.GetString(output.WrittenSpan), output.WrittenCount);
    }

    [Fact]
    public void Identity_AnyPayload_ReadsUnchangedAndWritesNothing()
    {
        IUpcaster step = Upcast.Identity("t", 1);

        (bool changed, _, int written) = Run(step, "{\"a\":1}");

        Assert.False(changed);
        Assert.Equal(0, written);
        Assert.Equal("t", step.Type);
        Assert.Equal(1, step.FromVersion);
    }

    [Theory]
    [InlineData("{\"account\":\"a\",\"amount\":5,\"reference\":\"x\",\"n\":{\"a\":[1,2.50,1e3]}}", "{\"account\":\"a\",\"amount\":5,\"n\":{\"a\":[1,2.50,1e3]}}")]
    [InlineData("{ \"a\" : 1 ,\n \"reference\" : \"x\" }", "{\"a\":1}")]
    [InlineData("{\"reference\":{\"deep\":[true,null]},\"a\":\"caf\\u00e9\"}", "{\"a\":\"caf\\u00e9\"}")]
    [InlineData("{\"reference\":1}", "{}")]
    [InlineData("{\"reference\":1,\"a\":2,\"reference\":3}", "{\"a\":2}")]
    public void RemoveMember_WhenTheObjectHasIt_CopiesEveryOtherMemberByteForByte(string payload, string expected)
    {
        (bool changed, string output, _) = Run(Upcast.RemoveMember("t", 1, "reference"), payload);

        Assert.True(changed);
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData("{\"\\u0072eference\":\"x\",\"a\":1}")]
    [InlineData("{\"a\":1,\"refer\\u0065nce\":\"x\"}")]
    [InlineData("{\"a\":1,\"\\u0072\\u0065\\u0066\\u0065\\u0072\\u0065\\u006e\\u0063\\u0065\":[1]}")]
    public void RemoveMember_NameSpelledWithEscapes_IsFoundAndRemoved(string payload)
    {
        (bool changed, string output, _) = Run(Upcast.RemoveMember("t", 1, "reference"), payload);

        Assert.True(changed);
        Assert.Equal("{\"a\":1}", output);
    }

    [Theory]
    [InlineData("{\"account\":\"a\",\"amount\":5}")]
    [InlineData("{\"note\":\"reference\",\"n\":{\"reference\":1}}")]
    [InlineData("{\"note\":\"\\\"reference\\\"\",\"references\":1}")]
    [InlineData("{\"a\":\"\\n\"}")]
    public void RemoveMember_WhenNoTopLevelMemberHasTheName_ReadsUnchanged(string payload)
    {
        (bool changed, _, int written) = Run(Upcast.RemoveMember("t", 1, "reference"), payload);

        Assert.False(changed);
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{\"reference\":")]
    [InlineData("{\"reference\":1")]
    [InlineData("{\"reference\":1}x")]
    [InlineData("{\"reference\":1}{}")]
    [InlineData("{\"reference\":1,}")]
    [InlineData("{\"reference\":tru}")]
    [InlineData("{\"reference\" 1}")]
    [InlineData("[{\"reference\":1}]")]
    [InlineData("\"reference\"")]
    [InlineData("{\"reference\":1 /* c */}")]
    [InlineData("{\"\\u00\":1,\"reference\":1}")]
    public void MemberSteps_MalformedOrNotAnObject_ReadUnchangedWithoutThrowing(string payload)
    {
        IUpcaster[] steps =
        [
            Upcast.RemoveMember("t", 1, "reference"),
            Upcast.RenameMember("t", 1, "reference", "ref"),
            Upcast.AddMember("t", 1, "reference", "\"none\""),
        ];

        foreach (IUpcaster step in steps)
        {
            (bool changed, _, int written) = Run(step, payload);

            Assert.False(changed, step.ToString());
            Assert.Equal(0, written);
        }
    }

    [Fact]
    public void MemberSteps_NestedDeeperThanTheReaderAllows_ReadUnchanged()
    {
        string payload = "{\"reference\":1,\"a\":" + new string('[', 100) + new string(']', 100) + "}";

        (bool changed, _, int written) = Run(Upcast.RemoveMember("t", 1, "reference"), payload);

        Assert.False(changed);
        Assert.Equal(0, written);
    }

    [Fact]
    public void MemberSteps_WithTheDecodersDepthLimit_LeaveDeeperPayloadsForTheDecoderToRefuse()
    {
        // Depth 3 (object, array, array): a decoder reading at most 2 deep refuses it whatever the step removes.
        const string Payload = "{\"reference\":[[1]],\"a\":1}";

        (bool limited, _, _) = Run(Upcast.RemoveMember("t", 1, "reference", maxDepth: 2), Payload);
        (bool enough, string output, _) = Run(Upcast.RemoveMember("t", 1, "reference", maxDepth: 3), Payload);

        Assert.False(limited);
        Assert.True(enough);
        Assert.Equal("{\"a\":1}", output);
        Assert.Throws<ArgumentOutOfRangeException>(() => Upcast.AddMember("t", 1, "a", "1", maxDepth: 0));
    }

    [Theory]
    [InlineData("{\"ref\":\"x\",\"a\":1}", "{\"reference\":\"x\",\"a\":1}")]
    [InlineData("{\"a\":1,\"r\\u0065f\":[1, 2]}", "{\"a\":1,\"reference\":[1, 2]}")]
    [InlineData("{\"reference\":\"ignored by v1\",\"ref\":\"x\"}", "{\"reference\":\"x\"}")]
    [InlineData("{\"reference\":\"ignored by v1\",\"a\":1}", "{\"a\":1}")]
    public void RenameMember_WritesTheOldMemberUnderTheNewName_AndDropsOneTheOlderVersionIgnored(string payload, string expected)
    {
        (bool changed, string output, _) = Run(Upcast.RenameMember("t", 1, "ref", "reference"), payload);

        Assert.True(changed);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void RenameMember_WhenNeitherNameIsPresent_ReadsUnchanged()
    {
        (bool changed, _, int written) = Run(Upcast.RenameMember("t", 1, "ref", "reference"), "{\"a\":\"refer\",\"n\":{\"ref\":1}}");

        Assert.False(changed);
        Assert.Equal(0, written);
    }

    [Fact]
    public void RenameMember_NewNameNeedingEscapes_IsWrittenEscapedAndReadsBack()
    {
        (bool changed, string output, _) = Run(Upcast.RenameMember("t", 1, "a", "caf\u00e9 \"x\""), "{\"a\":1}");

        Assert.True(changed);
        using JsonDocument document = JsonDocument.Parse(output);
        Assert.Equal(1, document.RootElement.GetProperty("caf\u00e9 \"x\"").GetInt32());
    }

    [Theory]
    [InlineData("{\"a\":1}", "{\"a\":1,\"currency\":\"EUR\"}")]
    [InlineData("{}", "{\"currency\":\"EUR\"}")]
    [InlineData(" { } ", "{\"currency\":\"EUR\"}")]
    [InlineData("{\"currency\":\"USD\",\"a\":1}", "{\"a\":1,\"currency\":\"EUR\"}")]
    public void AddMember_AddsTheDefaultLast_ReplacingAMemberTheOlderVersionIgnored(string payload, string expected)
    {
        (bool changed, string output, _) = Run(Upcast.AddMember("t", 2, "currency", " \"EUR\" "), payload);

        Assert.True(changed);
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("1 2")]
    [InlineData("{")]
    [InlineData("nope")]
    public void AddMember_DefaultThatIsNotOneJsonValue_Throws(string defaultJson)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Upcast.AddMember("t", 1, "a", defaultJson));

        Assert.Equal("defaultJsonValue", ex.ParamName);
    }

    [Fact]
    public void Factories_EmptyTypeOrNameOrSameRename_Throw()
    {
        Assert.Throws<ArgumentException>(() => Upcast.RemoveMember("", 1, "a"));
        Assert.Throws<ArgumentException>(() => Upcast.RemoveMember("t", 1, ""));
        Assert.Throws<ArgumentException>(() => Upcast.Identity("", 1));
        ArgumentException same = Assert.Throws<ArgumentException>(() => Upcast.RenameMember("t", 1, "a", "a"));
        Assert.Contains("two different names", same.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => Upcast.Custom("t", 1, null!));
    }

    [Fact]
    public void Custom_ChangesTheObject_AndWritesIt()
    {
        IUpcaster step = Upcast.Custom("t", 1, o =>
        {
            o["amountCents"] = o["amount"]!.GetValue<long>() * 100;
            o.Remove("amount");
            return o;
        });

        (bool changed, string output, _) = Run(step, "{\"account\":\"a\",\"amount\":5}");

        Assert.True(changed);
        Assert.Equal("{\"account\":\"a\",\"amountCents\":500}", output);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("null")]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":1,\"a\":2}")]
    public void Custom_PayloadThatIsNotOneObject_ReadsUnchangedWithoutCallingTheFunction(string payload)
    {
        int calls = 0;
        IUpcaster step = Upcast.Custom("t", 1, o =>
        {
            calls++;
            return o;
        });

        (bool changed, _, int written) = Run(step, payload);

        Assert.False(changed);
        Assert.Equal(0, written);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Custom_FunctionReturningNull_ThrowsNamingTheStep()
    {
        IUpcaster step = Upcast.Custom("t", 4, _ => null!);

        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => Run(step, "{}"));

        Assert.Contains("'t' from version 4", ex.Message, StringComparison.Ordinal);
    }
}
