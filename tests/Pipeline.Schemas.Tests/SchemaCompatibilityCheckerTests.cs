using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace Pipeline.Schemas.Tests;

public class SchemaCompatibilityCheckerTests
{
    private const string Open = "{'type':'object','properties':{'a':{'type':'string'}},'required':['a']}";
    private const string OpenPlusOptionalB = "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},'required':['a']}";
    private const string OpenPlusRequiredB = "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},'required':['a','b']}";
    private const string Closed = "{'type':'object','properties':{'a':{'type':'string'}},'required':['a'],'additionalProperties':false}";
    private const string ClosedPlusOptionalB = "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},'required':['a'],'additionalProperties':false}";

    /// <summary>
    /// The mode matrix: one change per row, whether it is backward compatible (the new version reads old data) and
    /// forward compatible (the old version reads new data), and the rule reported when it is not. FULL is both.
    /// </summary>
    public static TheoryData<string, string, string, bool, bool, string?> Changes => new()
    {
        { "add optional property", Open, OpenPlusOptionalB, true, true, null },
        { "add required property", Open, OpenPlusRequiredB, false, true, CompatibilityRules.RequiredPropertyAdded },
        { "remove optional property", OpenPlusOptionalB, Open, true, true, null },
        { "remove required property", OpenPlusRequiredB, Open, true, false, CompatibilityRules.RequiredPropertyAdded },
        { "optional becomes required", OpenPlusOptionalB, OpenPlusRequiredB, false, true, CompatibilityRules.RequiredPropertyAdded },
        { "required becomes optional", OpenPlusRequiredB, OpenPlusOptionalB, true, false, CompatibilityRules.RequiredPropertyAdded },
        { "integer widened to number", Prop("{'type':'integer'}"), Prop("{'type':'number'}"), true, false, CompatibilityRules.TypeNarrowed },
        { "number narrowed to integer", Prop("{'type':'number'}"), Prop("{'type':'integer'}"), false, true, CompatibilityRules.TypeNarrowed },
        { "string changed to integer", Prop("{'type':'string'}"), Prop("{'type':'integer'}"), false, false, CompatibilityRules.TypeNarrowed },
        { "enum value added", Prop("{'enum':['X','Y']}"), Prop("{'enum':['X','Y','Z']}"), true, false, CompatibilityRules.EnumValueNotAccepted },
        { "enum value removed", Prop("{'enum':['X','Y','Z']}"), Prop("{'enum':['X','Y']}"), false, true, CompatibilityRules.EnumValueNotAccepted },
        { "nullable made non-null", Prop("{'type':['string','null']}"), Prop("{'type':'string'}"), false, true, CompatibilityRules.TypeNarrowed },
        { "non-null made nullable", Prop("{'type':'string'}"), Prop("{'type':['string','null']}"), true, false, CompatibilityRules.TypeNarrowed },
        { "closed model: add optional property", Closed, ClosedPlusOptionalB, true, false, CompatibilityRules.PropertyNotAllowedByClosedModel },
        { "closed model: remove optional property", ClosedPlusOptionalB, Closed, false, true, CompatibilityRules.PropertyNotAllowedByClosedModel },
        { "open model closed, same properties", Open, Closed, true, true, null },
        { "nested property type changed", Nested("{'type':'integer'}"), Nested("{'type':'string'}"), false, false, CompatibilityRules.TypeNarrowed },
        { "array items widened", Items("{'type':'integer'}"), Items("{'type':'number'}"), true, false, CompatibilityRules.TypeNarrowed },
        { "array items narrowed", Items("{'type':'number'}"), Items("{'type':'integer'}"), false, true, CompatibilityRules.TypeNarrowed },
        { "unmodelled keyword added", Prop("{'type':'string'}"), Prop("{'type':'string','maxLength':5}"), false, false, CompatibilityRules.UnsupportedKeywordChanged },
        { "description edited", Prop("{'type':'string','description':'x'}"), Prop("{'type':'string','description':'y'}"), true, true, null },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void CheckPair_EachChangeUnderEachMode_MatchesTheMatrix(
        string change, string before, string after, bool backwardOk, bool forwardOk, string? rule)
    {
        JsonNode oldSchema = J(before);
        JsonNode newSchema = J(after);

        IReadOnlyList<SchemaIncompatibility> backward = SchemaCompatibilityChecker.CheckPair("t", 1, oldSchema, 2, newSchema, CompatibilityMode.Backward);
        IReadOnlyList<SchemaIncompatibility> forward = SchemaCompatibilityChecker.CheckPair("t", 1, oldSchema, 2, newSchema, CompatibilityMode.Forward);
        IReadOnlyList<SchemaIncompatibility> full = SchemaCompatibilityChecker.CheckPair("t", 1, oldSchema, 2, newSchema, CompatibilityMode.Full);
        IReadOnlyList<SchemaIncompatibility> none = SchemaCompatibilityChecker.CheckPair("t", 1, oldSchema, 2, newSchema, CompatibilityMode.None);

        Assert.True(backwardOk == (backward.Count == 0), $"{change}: BACKWARD gave [{string.Join("; ", backward)}]");
        Assert.True(forwardOk == (forward.Count == 0), $"{change}: FORWARD gave [{string.Join("; ", forward)}]");
        Assert.Equal(backwardOk && forwardOk, full.Count == 0);
        Assert.Empty(none);
        Assert.All(backward, i => Assert.Equal(CompatibilityMode.Backward, i.Direction));
        Assert.All(forward, i => Assert.Equal(CompatibilityMode.Forward, i.Direction));
        if (rule is not null)
        {
            Assert.All(backward.Concat(forward), i => Assert.Equal(rule, i.Rule));
        }
    }

    [Fact]
    public void CheckPair_NestedChange_ReportsTheDataPath()
    {
        IReadOnlyList<SchemaIncompatibility> result = SchemaCompatibilityChecker.CheckPair(
            "t", 1, J(Nested("{'type':'integer'}")), 2, J(Nested("{'type':'string'}")), CompatibilityMode.Backward);

        SchemaIncompatibility only = Assert.Single(result);
        Assert.Equal("$.line.qty", only.Path);
    }

    [Fact]
    public void CheckPair_ArrayItemChange_ReportsTheItemPath()
    {
        IReadOnlyList<SchemaIncompatibility> result = SchemaCompatibilityChecker.CheckPair(
            "t", 1, J(Items("{'type':'number'}")), 2, J(Items("{'type':'integer'}")), CompatibilityMode.Backward);

        Assert.Equal("$.xs[*]", Assert.Single(result).Path);
    }

    [Fact]
    public void Message_OfAnIncompatibility_NamesTypeVersionsPathAndRule()
    {
        SchemaIncompatibility only = Assert.Single(SchemaCompatibilityChecker.CheckPair(
            "ledger.deposit", 1, J(OpenPlusOptionalB), 2, J(OpenPlusRequiredB), CompatibilityMode.Backward));

        string message = only.Message;

        Assert.Equal("$.b", only.Path);
        Assert.Contains("ledger.deposit v1 -> v2", message, System.StringComparison.Ordinal);
        Assert.Contains("BACKWARD", message, System.StringComparison.Ordinal);
        Assert.Contains("at $.b", message, System.StringComparison.Ordinal);
        Assert.Contains(CompatibilityRules.RequiredPropertyAdded, message, System.StringComparison.Ordinal);
        Assert.Contains("make it optional", message, System.StringComparison.Ordinal);
    }

    // v1 writes an optional string 'p', v2 drops it, v3 brings 'p' back as an integer: each step is backward
    // compatible with the one before, but v3 cannot read what v1 wrote.
    [Theory]
    [InlineData(CompatibilityMode.Backward, true)]
    [InlineData(CompatibilityMode.BackwardTransitive, false)]
    [InlineData(CompatibilityMode.Forward, true)]
    [InlineData(CompatibilityMode.ForwardTransitive, false)]
    [InlineData(CompatibilityMode.Full, true)]
    [InlineData(CompatibilityMode.FullTransitive, false)]
    public void Check_TransitiveModes_CompareWithEveryEarlierVersion(CompatibilityMode mode, bool compatible)
    {
        var earlier = new Dictionary<int, JsonNode>
        {
            [1] = J("{'type':'object','properties':{'a':{'type':'string'},'p':{'type':'string'}},'required':['a']}"),
            [2] = J(Open),
        };
        JsonNode v3 = J("{'type':'object','properties':{'a':{'type':'string'},'p':{'type':'integer'}},'required':['a']}");

        IReadOnlyList<SchemaIncompatibility> result = SchemaCompatibilityChecker.Check("t", 3, v3, earlier, mode);

        Assert.Equal(compatible, result.Count == 0);
        Assert.All(result, i => Assert.Equal(1, i.OldVersion));
        Assert.All(result, i => Assert.Equal("$.p", i.Path));
    }

    [Fact]
    public void Check_DictionaryWriterAndClosedReader_IsIncompatible()
    {
        JsonNode dictionary = J("{'type':'object','additionalProperties':{'type':'integer'}}");
        JsonNode closed = J("{'type':'object','additionalProperties':false}");

        IReadOnlyList<SchemaIncompatibility> result = SchemaCompatibilityChecker.CheckPair("t", 1, dictionary, 2, closed, CompatibilityMode.Backward);

        Assert.Equal(CompatibilityRules.PropertyNotAllowedByClosedModel, Assert.Single(result).Rule);
    }

    [Fact]
    public void CheckPair_ExportedDepositV1ToV2_IsFullyCompatible()
    {
        JsonNode v1 = SchemaExporter.Export(typeof(DepositV1));
        JsonNode v2 = SchemaExporter.Export(typeof(DepositV2));

        IReadOnlyList<SchemaIncompatibility> result = SchemaCompatibilityChecker.CheckPair("ledger.deposit", 1, v1, 2, v2, CompatibilityMode.Full);

        Assert.Empty(result);
    }

    [Fact]
    public void CheckPair_ExportedReferenceMadeRequired_BreaksBackwardAtThatProperty()
    {
        JsonNode v2 = SchemaExporter.Export(typeof(DepositV2));
        JsonNode v3 = SchemaExporter.Export(typeof(DepositMadeRequired));

        IReadOnlyList<SchemaIncompatibility> result = SchemaCompatibilityChecker.CheckPair("ledger.deposit", 2, v2, 3, v3, CompatibilityMode.Backward);

        Assert.Contains(result, i => i.Path == "$.Reference" && i.Rule == CompatibilityRules.RequiredPropertyAdded);
        Assert.Contains(result, i => i.Path == "$.Reference" && i.Rule == CompatibilityRules.TypeNarrowed);
    }

    [Fact]
    public void CheckPair_ExportedAmountLongToDouble_IsBackwardButNotForward()
    {
        JsonNode v1 = SchemaExporter.Export(typeof(DepositV1));
        JsonNode v2 = SchemaExporter.Export(typeof(DepositAmountAsNumber));

        IReadOnlyList<SchemaIncompatibility> backward = SchemaCompatibilityChecker.CheckPair("ledger.deposit", 1, v1, 2, v2, CompatibilityMode.Backward);
        IReadOnlyList<SchemaIncompatibility> forward = SchemaCompatibilityChecker.CheckPair("ledger.deposit", 1, v1, 2, v2, CompatibilityMode.Forward);

        Assert.Empty(backward);
        Assert.Equal("$.Amount", Assert.Single(forward).Path);
    }

    private static string Prop(string schema) => "{'type':'object','properties':{'p':" + schema + "},'required':['p']}";

    private static string Nested(string schema) =>
        "{'type':'object','properties':{'line':{'type':'object','properties':{'qty':" + schema + "},'required':['qty']}},'required':['line']}";

    private static string Items(string schema) => "{'type':'object','properties':{'xs':{'type':'array','items':" + schema + "}},'required':['xs']}";

    private static JsonNode J(string singleQuoted) => JsonNode.Parse(singleQuoted.Replace('\'', '"'))!;
}
