using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace Pipeline.Schemas.Tests;

public sealed class SchemaLockFolderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-schemas-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void Verify_UnchangedCode_Passes()
    {
        SchemaRegistry registry = Published(new SchemaRegistry().Register("ledger.deposit", 1, typeof(DepositV1)));

        SchemaLockReport report = SchemaLockFolder.Verify(registry, _folder);

        Assert.True(report.IsSuccess, report.Describe());
        Assert.Empty(report.UnpublishedVersions);
    }

    [Fact]
    public void WriteMissing_WritesOneFilePerTypeAndVersion_AndNeverOverwrites()
    {
        SchemaRegistry registry = new SchemaRegistry()
            .Register("ledger.deposit", 1, typeof(DepositV1))
            .Register("ledger.deposit", 2, typeof(DepositV2))
            .Register("shop.order", 1, typeof(Order));
        string v1 = Path.Combine(_folder, "ledger.deposit", "v1.schema.json");

        IReadOnlyList<string> first = SchemaLockFolder.WriteMissing(registry, _folder);
        File.WriteAllText(v1, "{}");
        IReadOnlyList<string> second = SchemaLockFolder.WriteMissing(registry, _folder);

        Assert.Equal(3, first.Count);
        Assert.True(File.Exists(Path.Combine(_folder, "ledger.deposit", "v2.schema.json")));
        Assert.True(File.Exists(Path.Combine(_folder, "shop.order", "v1.schema.json")));
        Assert.Empty(second);
        Assert.Equal("{}", File.ReadAllText(v1));
    }

    [Fact]
    public void Verify_EditedPublishedFile_FailsNamingTypeVersionAndPath()
    {
        SchemaRegistry registry = Published(new SchemaRegistry().Register("ledger.deposit", 1, typeof(DepositV1)));
        string file = Path.Combine(_folder, "ledger.deposit", "v1.schema.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"integer\"", "\"string\"", StringComparison.Ordinal));

        SchemaLockReport report = SchemaLockFolder.Verify(registry, _folder);

        SchemaLockProblem problem = Assert.Single(report.Problems);
        Assert.Equal(SchemaLockProblem.PublishedSchemaChanged, problem.Rule);
        Assert.Equal("ledger.deposit", problem.TypeName);
        Assert.Equal(1, problem.Version);
        Assert.Equal("$.properties.Amount.type", problem.Path);
        Assert.Contains("ledger.deposit v1 is published", problem.Message, StringComparison.Ordinal);
        Assert.Contains("$.properties.Amount.type", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PublishedTypeChangedInCode_FailsNamingTypeVersionAndPath()
    {
        Published(new SchemaRegistry().Register("ledger.deposit", 1, typeof(DepositV1)));
        SchemaRegistry changed = new SchemaRegistry().Register("ledger.deposit", 1, typeof(DepositAmountAsNumber));

        SchemaLockReport report = SchemaLockFolder.Verify(changed, _folder);

        SchemaLockProblem problem = Assert.Single(report.Problems);
        Assert.Equal(SchemaLockProblem.PublishedSchemaChanged, problem.Rule);
        Assert.Equal("$.properties.Amount.type", problem.Path);
        Assert.Contains("committed \"integer\", generated \"number\"", problem.Message, StringComparison.Ordinal);
        Assert.Contains("add v2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CompatibleNewVersion_PassesAndListsItAsUnpublished()
    {
        Published(new SchemaRegistry().Register("ledger.deposit", 1, typeof(DepositV1)));
        SchemaRegistry next = new SchemaRegistry()
            .Register("ledger.deposit", 1, typeof(DepositV1))
            .Register("ledger.deposit", 2, typeof(DepositV2), CompatibilityMode.Full);

        SchemaLockReport report = SchemaLockFolder.Verify(next, _folder);

        Assert.True(report.IsSuccess, report.Describe());
        Assert.Equal(2, Assert.Single(report.UnpublishedVersions).Version);
    }

    [Fact]
    public void Verify_IncompatibleNewVersion_FailsNamingTheRule()
    {
        Published(new SchemaRegistry()
            .Register("ledger.deposit", 1, typeof(DepositV1))
            .Register("ledger.deposit", 2, typeof(DepositV2)));
        SchemaRegistry next = new SchemaRegistry()
            .Register("ledger.deposit", 1, typeof(DepositV1))
            .Register("ledger.deposit", 2, typeof(DepositV2))
            .Register("ledger.deposit", 3, typeof(DepositMadeRequired));

        SchemaLockReport report = SchemaLockFolder.Verify(next, _folder);

        Assert.False(report.IsSuccess);
        SchemaLockProblem required = Assert.Single(report.Problems, p => p.Rule == CompatibilityRules.RequiredPropertyAdded);
        Assert.Equal(3, required.Version);
        Assert.Equal("$.Reference", required.Path);
        Assert.Contains("ledger.deposit v2 -> v3", required.Message, StringComparison.Ordinal);
        Assert.Contains("[mode BACKWARD]", required.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_NewVersionUnderTransitiveMode_IsCheckedAgainstEveryPublishedVersion()
    {
        Published(new SchemaRegistry()
            .Register("ledger.deposit", 1, typeof(DepositAmountAsNumber))
            .Register("ledger.deposit", 2, typeof(DepositV2)));
        SchemaRegistry next = new SchemaRegistry()
            .Register("ledger.deposit", 1, typeof(DepositAmountAsNumber))
            .Register("ledger.deposit", 2, typeof(DepositV2))
            .Register("ledger.deposit", 3, typeof(DepositV2), CompatibilityMode.BackwardTransitive);

        SchemaLockReport report = SchemaLockFolder.Verify(next, _folder);

        SchemaLockProblem problem = Assert.Single(report.Problems);
        Assert.Equal(CompatibilityRules.TypeNarrowed, problem.Rule);
        Assert.Equal("$.Amount", problem.Path);
        Assert.Contains("v1 -> v3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PublishedVersionNoLongerRegistered_Fails()
    {
        Published(new SchemaRegistry()
            .Register("ledger.deposit", 1, typeof(DepositV1))
            .Register("shop.order", 1, typeof(Order)));
        SchemaRegistry fewer = new SchemaRegistry().Register("ledger.deposit", 1, typeof(DepositV1));

        SchemaLockReport report = SchemaLockFolder.Verify(fewer, _folder);

        SchemaLockProblem problem = Assert.Single(report.Problems);
        Assert.Equal(SchemaLockProblem.PublishedVersionNotRegistered, problem.Rule);
        Assert.Equal("shop.order", problem.TypeName);
    }

    [Fact]
    public void Verify_NoFolderYet_PassesWithEveryVersionUnpublished()
    {
        SchemaRegistry registry = new SchemaRegistry()
            .Register("ledger.deposit", 1, typeof(DepositV1))
            .Register("ledger.deposit", 2, typeof(DepositV2));

        SchemaLockReport report = SchemaLockFolder.Verify(registry, _folder);

        Assert.True(report.IsSuccess, report.Describe());
        Assert.Equal(new[] { 1, 2 }, report.UnpublishedVersions.Select(r => r.Version));
    }

    [Fact]
    public void Verify_EditedEnumValueInPublishedFile_ShowsBothValues()
    {
        SchemaRegistry registry = Published(new SchemaRegistry().Register("ledger.payment", 1, typeof(Payment)));
        string file = Path.Combine(_folder, "ledger.payment", "v1.schema.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"Usd\"", "\"Gbp\"", StringComparison.Ordinal));

        SchemaLockReport report = SchemaLockFolder.Verify(registry, _folder);

        SchemaLockProblem problem = Assert.Single(report.Problems);
        Assert.Equal("$.properties.Currency.enum[1]", problem.Path);
        Assert.Contains("committed \"Gbp\", generated \"Usd\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstDifference_EnumValueChanged_PointsAtTheArrayElement()
    {
        var committed = System.Text.Json.Nodes.JsonNode.Parse("""{"properties":{"p":{"enum":["X","Y"]}}}""");
        var generated = System.Text.Json.Nodes.JsonNode.Parse("""{"properties":{"p":{"enum":["X","Z"]}}}""");

        string? path = SchemaLockFolder.FirstDifference(committed, generated, "$");

        Assert.Equal("$.properties.p.enum[1]", path);
        Assert.Null(SchemaLockFolder.FirstDifference(committed, committed!.DeepClone(), "$"));
    }

    [Fact]
    public void Register_InvalidNameOrDuplicateVersion_Throws()
    {
        var registry = new SchemaRegistry().Register("ledger.deposit", 1, typeof(DepositV1));

        Assert.Throws<ArgumentException>(() => registry.Register("Ledger/Deposit", 1, typeof(DepositV1)));
        Assert.Throws<ArgumentException>(() => registry.Register("ledger.deposit", 1, typeof(DepositV2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => registry.Register("ledger.deposit", 0, typeof(DepositV2)));
    }

    private SchemaRegistry Published(SchemaRegistry registry)
    {
        SchemaLockFolder.WriteMissing(registry, _folder);
        return registry;
    }
}
