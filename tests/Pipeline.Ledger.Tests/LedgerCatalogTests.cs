using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Json.Schema;
using Pipeline.Application;
using Pipeline.Ledger.Catalog;
using Pipeline.Schemas;
using SchemaRegistry = Pipeline.Schemas.SchemaRegistry;
using Pipeline.Schemas.Catalog;
using Pipeline.Streams;
using Pipeline.Streams.Hosting;
using Xunit;

namespace Pipeline.Ledger.Tests;

/// <summary>The ledger's published schemas and its catalog: committed files equal to the code, and real payloads valid under them.</summary>
public sealed class LedgerCatalogTests
{
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the tests run from inside the repository");
    }

    [Fact]
    public void CommittedCatalog_EqualsWhatTheCodeGenerates()
    {
        string folder = Path.Combine(RepositoryRoot(), "docs", "catalog");
        IReadOnlyList<(string RelativePath, string Text)> files = CatalogWriter.Files(LedgerCatalog.Create(new LedgerApplication()));
        const string Fix = "run 'dotnet run --project src/Pipeline.Server -- catalog --out docs/catalog' and commit docs/catalog";
        foreach ((string relative, string text) in files)
        {
            string path = Path.Combine(folder, relative);
            Assert.True(File.Exists(path), $"docs/catalog/{relative} is missing: {Fix}");
            Assert.True(File.ReadAllText(path) == text, $"docs/catalog/{relative} differs from what the code generates: {Fix}");
        }

        string[] extra = [.. Directory.EnumerateFiles(folder).Select(Path.GetFileName).Where(f => !files.Any(x => x.RelativePath == f))!];
        Assert.True(extra.Length == 0, $"docs/catalog holds files the code does not generate: {string.Join(", ", extra)}: {Fix}");
    }

    [Fact]
    public void CommittedSchemas_MatchTheCode_AndEveryVersionIsPublished()
    {
        SchemaLockReport report = SchemaLockFolder.Verify(LedgerCatalog.CreateSchemas(), Path.Combine(RepositoryRoot(), LedgerCatalog.SchemaFolder));
        Assert.True(report.IsSuccess, report.Describe());
        Assert.True(report.UnpublishedVersions.Count == 0,
            $"not published: {string.Join(", ", report.UnpublishedVersions.Select(r => $"{r.TypeName} v{r.Version}"))}; run 'dotnet run --project src/Pipeline.Server -- schemas publish'");
    }

    [Fact]
    public void Catalog_DescribesEveryCommandVersionTheLedgerAccepts()
    {
        var app = new LedgerApplication();
        EventCatalog catalog = LedgerCatalog.Create(app);
        for (int i = 0; i < app.Commands.Count; i++)
        {
            CommandType type = app.Commands[i];
            int[] versions = [.. catalog.Schemas.VersionsOf(type.Name).Select(v => v.Version)];
            Assert.Equal(type.SchemaVersions.Select(v => (int)v), versions);
        }

        Assert.Equal(["ledger.deposit"], catalog.ProducersOf("ledger.deposited"));
        Assert.Contains("flow ledger.deposit-stats", catalog.ConsumersOf("ledger.deposited"));
        Assert.Contains("ledger.deposit-stats", catalog.ConsumersOf("flow ledger.deposit-stats"));
    }

    private static void AssertValid(SchemaRegistry registry, string type, int version, ReadOnlySpan<byte> payload)
    {
        SchemaRegistration registration = registry.VersionsOf(type).Single(v => v.Version == version);
        JsonSchema schema = JsonSchema.FromText(SchemaExporter.ToCanonicalText(SchemaExporter.Export(registration.ClrType)));
        using JsonDocument document = JsonDocument.Parse(payload.ToArray());
        EvaluationResults result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{type} v{version}: {Encoding.UTF8.GetString(payload)} is not valid: {string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")))}");
    }

    [Theory]
    [InlineData(LedgerEventKind.Opened, null)]
    [InlineData(LedgerEventKind.Deposited, null)]
    [InlineData(LedgerEventKind.Deposited, "invoice 42 \u00e9\"q")]
    [InlineData(LedgerEventKind.Withdrawn, null)]
    [InlineData(LedgerEventKind.TransferredOut, null)]
    [InlineData(LedgerEventKind.TransferredIn, null)]
    public void EveryEventTheLedgerWrites_IsValidUnderItsPublishedSchema(LedgerEventKind kind, string? reference)
    {
        var app = new LedgerApplication();
        string account = kind == LedgerEventKind.TransferredIn ? "b-2" : "a-1";
        var e = new LedgerEvent(kind, account, "account-" + account, kind == LedgerEventKind.Opened ? 0 : 25, kind == LedgerEventKind.Opened ? 0 : 75, 3,
            kind is LedgerEventKind.TransferredOut or LedgerEventKind.TransferredIn ? "a-1" : null,
            kind is LedgerEventKind.TransferredOut or LedgerEventKind.TransferredIn ? "b-2" : null, Reference: reference);
        var payload = new ArrayBufferWriter<byte>();
        app.WritePayload(e, payload);
        EventType type = app.Describe(e).Type;
        AssertValid(LedgerCatalog.CreateSchemas(), type.Name, type.SchemaVersion, payload.WrittenSpan);
        Assert.Equal(reference is null ? 1 : 2, type.SchemaVersion);

        // And it reads back (the upcast of version 1: no reference).
        Assert.True(LedgerStoredEvents.TryRead(type.Name, e.Stream, e.Version, payload.WrittenSpan, out LedgerEvent read));
        Assert.Equal(e with { Slot = -1 }, read);
    }

    [Theory]
    [InlineData("ledger.open", 1, "{\"account\": \"a-1\"}")]
    [InlineData("ledger.deposit", 1, "{\"account\": \"a-1\", \"amount\": 100}")]
    [InlineData("ledger.deposit", 2, "{\"account\": \"a-1\", \"amount\": 100, \"reference\": \"inv-7\"}")]
    [InlineData("ledger.deposit", 2, "{\"account\": \"a-1\", \"amount\": 100}")]
    [InlineData("ledger.withdraw", 1, "{\"account\": \"a-1\", \"amount\": 40, \"expectedVersion\": 2}")]
    [InlineData("ledger.transfer", 1, "{\"from\": \"a-1\", \"to\": \"b-2\", \"amount\": 25}")]
    public void TheSpecsCommandExamples_AreValidUnderTheirSchemas_AndParse(string type, int version, string payload)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(payload);
        AssertValid(LedgerCatalog.CreateSchemas(), type, version, bytes);
        Assert.True(LedgerCommandParser.TryParse(LedgerCommandParser.KindOf(Encoding.UTF8.GetBytes(type)), (ushort)version, bytes, null, out LedgerCommand command, out _, out string? reason), reason);
        Assert.Equal(version == 2 && payload.Contains("reference", StringComparison.Ordinal) ? "inv-7" : null, command.Reference);
    }

    [Fact]
    public void WindowResults_AreValidUnderTheirPublishedSchemas()
    {
        var output = new Results();
        var runner = new StreamRunner<LedgerEvent>(LedgerStreams.Create(LedgerStreamOptions.Default), output);
        long t0 = TimeSpan.FromMinutes(60).Ticks;
        for (int i = 0; i < 50; i++)
        {
            runner.OnEvent(new LedgerEvent(LedgerEventKind.Deposited, $"a-{i % 4}", $"account-a-{i % 4}", 10 + i, 100, 2), t0 + TimeSpan.FromSeconds(i).Ticks);
        }

        runner.OnTick(t0 + TimeSpan.FromMinutes(3).Ticks);
        SchemaRegistry schemas = LedgerCatalog.CreateSchemas();
        Assert.Contains(output.Payloads, p => p.Type == LedgerStreams.DepositStatsName);
        Assert.Contains(output.Payloads, p => p.Type == LedgerStreams.BusiestAccountsName);
        foreach ((string type, byte[] payload) in output.Payloads)
        {
            AssertValid(schemas, type, 1, payload);
        }
    }

    private sealed class Results : IStreamOutput
    {
        public List<(string Type, byte[] Payload)> Payloads { get; } = [];

        public void Result(StreamDefinition stream, string? key, long windowEnd, ReadOnlySpan<byte> payload) => Payloads.Add((stream.Name, payload.ToArray()));

        public void Late(StreamDefinition stream, ReadOnlySpan<byte> payload) => Payloads.Add((stream.LateType, payload.ToArray()));
    }
}
