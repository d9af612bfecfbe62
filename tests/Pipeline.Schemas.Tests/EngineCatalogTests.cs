using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Schemas.Catalog;
using Pipeline.Schemas.Validation;
using Xunit;

namespace Pipeline.Schemas.Tests;

/// <summary>The engine's queries in the catalog: published schemas equal to the code, and the catalog's own JSON valid under its answer's schema.</summary>
public sealed class EngineCatalogTests
{
    public sealed record Note(string Text);

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
    public void CommittedSchemas_MatchTheCode_AndEveryVersionIsPublished()
    {
        SchemaLockReport report = SchemaLockFolder.Verify(EngineCatalog.CreateSchemas(), Path.Combine(RepositoryRoot(), EngineCatalog.SchemaFolder));

        Assert.True(report.IsSuccess, report.Describe());
        Assert.True(report.UnpublishedVersions.Count == 0,
            $"not published: {string.Join(", ", report.UnpublishedVersions.Select(r => $"{r.TypeName} v{r.Version}"))}; run 'dotnet run --project src/Pipeline.Server -- schemas publish'");
    }

    [Fact]
    public void Entries_AreSystemQueriesOfTheEngine_EachAnsweredByAComponent()
    {
        SchemaRegistry schemas = EngineCatalog.CreateSchemas();

        var catalog = new EventCatalog(new CatalogService("engine only", "1", "Nothing but the engine.", "127.0.0.1:7400"),
            EngineCatalog.Messages(), EngineCatalog.Components(), EngineCatalog.Relations(), schemas);

        Assert.Equal(["pipeline.catalog", "pipeline.consumers", "pipeline.streams", "pipeline.stream.results"], catalog.Messages.Select(m => m.Name));
        Assert.All(catalog.Messages, m => Assert.Equal((CatalogMessageKind.Query, CatalogCategory.System, "engine"), (m.Kind, m.Category, m.Owner)));
        Assert.All(catalog.Messages, m => Assert.Single(catalog.ProducersOf(m.Name)));
        Assert.Equal(8, schemas.Registrations.Count);
    }

    [Fact]
    public void EnumNames_AreTheOnesTheCatalogWrites()
    {
        var options = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter() } };

        Assert.All(Enum.GetValues<CompatibilityMode>(), m => Assert.Equal('"' + SchemaLockFolder.ModeName(m) + '"', JsonSerializer.Serialize(m, options)));
    }

    [Fact]
    public void CatalogJson_WithEveryKindCategoryAndMode_IsValidUnderTheAnswerSchemaOfPipelineCatalog()
    {
        // Every enum value the answer's schema lists must be what CatalogWriter writes, including values no
        // application's catalog uses today: one entry of each kind, category and compatibility mode.
        CatalogMessageKind[] kinds = Enum.GetValues<CatalogMessageKind>();
        CatalogCategory[] categories = Enum.GetValues<CatalogCategory>();
        CompatibilityMode[] modes = Enum.GetValues<CompatibilityMode>();
        SchemaRegistry schemas = EngineCatalog.CreateSchemas();
        var messages = new List<CatalogMessage>(EngineCatalog.Messages());
        for (int i = 0; i < Math.Max(kinds.Length, modes.Length); i++)
        {
            string name = "x.m" + i;
            CatalogMessageKind kind = kinds[i % kinds.Length];
            schemas.Register(name, 1, typeof(Note), modes[i % modes.Length]);
            if (kind == CatalogMessageKind.Query)
            {
                schemas.Register(name + ".result", 1, typeof(Note), modes[(i + 1) % modes.Length]);
            }

            messages.Add(new CatalogMessage(name, kind, categories[i % categories.Length], "x", "An entry.",
                Stream: kind is CatalogMessageKind.Event ? "x-{id}" : null, ResultName: kind == CatalogMessageKind.Query ? name + ".result" : null));
        }

        var catalog = new EventCatalog(new CatalogService("x", "1", "Every kind.", "127.0.0.1:7400"), messages, EngineCatalog.Components(), EngineCatalog.Relations(), schemas);
        PayloadValidator validator = PayloadValidator.For(typeof(CatalogQueryResult));

        bool valid = validator.Validate(Encoding.UTF8.GetBytes(CatalogWriter.ToCompactJson(catalog)), out string? error);
        bool wrongKindValid = validator.Validate(Encoding.UTF8.GetBytes(CatalogWriter.ToCompactJson(catalog).Replace("\"kind\":\"query\"", "\"kind\":\"Query\"", StringComparison.Ordinal)), out string? wrongKind);

        Assert.True(valid, error);
        Assert.False(wrongKindValid);
        Assert.Contains("kind", wrongKind, StringComparison.Ordinal);
    }
}
