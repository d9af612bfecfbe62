using System;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Application;
using Pipeline.Schemas;
using Pipeline.Schemas.Validation;
using Xunit;

namespace Pipeline.Ledger.Tests;

/// <summary>
/// The ledger's decoder refuses every command payload its published schema refuses: so validating every payload
/// (Pipeline:Schemas:Validation=All) never changes a ledger command's outcome, only explains refusals, and a journal
/// replays to the same state whatever the setting was.
/// </summary>
public sealed class LedgerSchemaStrictnessTests
{
    private static readonly LedgerApplication s_app = new();

    private static bool Decodes(int typeIndex, ushort version, string json) =>
        s_app.CreateDecoder(s_app.CreateState()).TryDecode(typeIndex, version, Encoding.UTF8.GetBytes(json), out _, out _);

    [Fact]
    public void RandomPayloads_EveryCommandVersion_WhatTheSchemaRefusesTheDecoderRefuses()
    {
        var random = new Random(20261208);
        SchemaRegistry schemas = s_app.Schemas;
        int refusedBySchema = 0;
        for (int index = 0; index < s_app.Commands.Count; index++)
        {
            CommandType type = s_app.Commands[index];
            foreach (ushort version in type.SchemaVersions)
            {
                SchemaRegistration registration = Assert.Single(schemas.VersionsOf(type.Name), r => r.Version == version);
                JsonNode exported = SchemaExporter.Export(registration.ClrType);
                PayloadValidator validator = PayloadValidator.Compile(exported);
                for (int i = 0; i < 3000; i++)
                {
                    string text = PayloadValidatorAgreementTests.RandomValue(random, exported, 0)?.ToJsonString() ?? "null";
                    if (!validator.Validate(Encoding.UTF8.GetBytes(text), out string? error))
                    {
                        refusedBySchema++;
                        Assert.False(Decodes(index, version, text), $"{type.Name} v{version}: the schema refuses {text} ({error}) but the decoder takes it");
                    }
                }
            }
        }

        Assert.True(refusedBySchema > 3000, $"only {refusedBySchema} payloads refused by a schema: the property says little");
    }

    [Theory]
    [InlineData(1, 1, """{"account":"a","amount":"5"}""")]
    [InlineData(1, 1, """{"account":"a","amount":5,"expectedVersion":1.5}""")]
    [InlineData(1, 1, """{"account":"a","amount":5,"account":"b"}""")]
    [InlineData(1, 2, """{"account":"a","amount":5,"reference":5}""")]
    [InlineData(3, 1, """{"from":"a","to":7,"amount":5}""")]
    [InlineData(0, 1, """{"account":"a"} {}""")]
    [InlineData(0, 1, """[]""")]
    public void EdgeCases_TheSchemaRefuses_TheDecoderRefusesToo(int typeIndex, ushort version, string json)
    {
        CommandType type = s_app.Commands[typeIndex];
        SchemaRegistration registration = Assert.Single(s_app.Schemas.VersionsOf(type.Name), r => r.Version == version);

        Assert.False(PayloadValidator.For(registration.ClrType).Validate(Encoding.UTF8.GetBytes(json), out _));
        Assert.False(Decodes(typeIndex, version, json));
    }
}
