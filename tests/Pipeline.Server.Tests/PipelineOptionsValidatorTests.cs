using System;
using System.Linq;
using Microsoft.Extensions.Options;
using Pipeline.Journal;
using Pipeline.Hosting.Configuration;
using Xunit;

namespace Pipeline.Server.Tests;

public sealed class PipelineOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(Action<PipelineOptions> change)
    {
        var options = new PipelineOptions();
        change(options);
        return new PipelineOptionsValidator().Validate(Options.DefaultName, options);
    }

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        ValidateOptionsResult result = Validate(_ => { });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Defaults_WaitStrategy_IsBlocking()
    {
        var options = new PipelineOptions();

        WaitStrategyKind kind = options.Engine.WaitStrategy;

        Assert.Equal(WaitStrategyKind.Blocking, kind);
    }

    [Theory]
    [InlineData("Blocking")]
    [InlineData("Sleeping")]
    [InlineData("Yielding")]
    [InlineData("BusySpin")]
    [InlineData("Phased")]
    public void Validate_EachWaitStrategy_Succeeds(string configured)
    {
        // By the name an operator writes in Pipeline:Engine:WaitStrategy (the kind enum is internal).
        WaitStrategyKind kind = Enum.Parse<WaitStrategyKind>(configured);

        ValidateOptionsResult result = Validate(o => o.Engine.WaitStrategy = kind);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    // Each case breaks one rule; the failure must name the configuration key an operator has to fix.
    public static TheoryData<string, string> BrokenRules => new()
    {
        { "data-empty", "Pipeline:DataDirectory" },
        { "address-empty", "Pipeline:Ingest:Address" },
        { "address-not-ip", "Pipeline:Ingest:Address" },
        { "port", "Pipeline:Ingest:Port" },
        { "max-frame", "Pipeline:Ingest:MaxFrameLength" },
        { "max-connections", "Pipeline:Ingest:MaxConnections" },
        { "max-in-flight", "Pipeline:Ingest:MaxInFlightPerConnection" },
        { "query-timeout", "Pipeline:Ingest:QueryTimeout" },
        { "ring-range", "Pipeline:Engine:RingSize" },
        { "ring-not-power-of-two", "Pipeline:Engine:RingSize" },
        { "decode-handlers", "Pipeline:Engine:DecodeHandlers" },
        { "flush-interval", "Pipeline:Journal:FlushInterval" },
        { "slow-commit-warning", "Pipeline:Journal:SlowCommitWarning" },
        { "segment-range", "Pipeline:Journal:SegmentSizeBytes" },
        { "segment-below-payload", "Pipeline:Journal:SegmentSizeBytes" },
        { "payload-range", "Pipeline:Journal:MaxPayloadBytes" },
        { "payload-above-frame", "Pipeline:Journal:MaxPayloadBytes" },
        { "durability", "Pipeline:Journal:Durability" },
        { "wait-strategy", "Pipeline:Engine:WaitStrategy" },
        { "schema-validation", "Pipeline:Schemas:Validation" },
        { "snapshot-interval", "Pipeline:Snapshots:IntervalEvents" },
        { "snapshot-keep", "Pipeline:Snapshots:Keep" },
    };

    private static void Break(string rule, PipelineOptions o)
    {
        switch (rule)
        {
            case "data-empty": o.DataDirectory = string.Empty; break;
            case "address-empty": o.Ingest.Address = string.Empty; break;
            case "address-not-ip": o.Ingest.Address = "localhost"; break;
            case "port": o.Ingest.Port = 65_536; break;
            case "max-frame": o.Ingest.MaxFrameLength = 63; o.Journal.MaxPayloadBytes = 1; break;
            case "max-connections": o.Ingest.MaxConnections = 0; break;
            case "max-in-flight": o.Ingest.MaxInFlightPerConnection = 0; break;
            case "query-timeout": o.Ingest.QueryTimeout = TimeSpan.Zero; break;
            case "ring-range": o.Engine.RingSize = 8; break;
            case "ring-not-power-of-two": o.Engine.RingSize = 1000; break;
            case "decode-handlers": o.Engine.DecodeHandlers = 0; break;
            case "flush-interval": o.Journal.FlushInterval = TimeSpan.FromMinutes(2); break;
            case "slow-commit-warning": o.Journal.SlowCommitWarning = TimeSpan.Zero; break;
            case "segment-range": o.Journal.SegmentSizeBytes = 1L << 41; break;
            case "segment-below-payload": o.Journal.SegmentSizeBytes = 1L << 20; break;
            case "payload-range": o.Journal.MaxPayloadBytes = 0; break;
            case "payload-above-frame": o.Journal.MaxPayloadBytes = o.Ingest.MaxFrameLength + 1; break;
            case "durability": o.Journal.Durability = (DurabilityPolicy)42; break;
            case "wait-strategy": o.Engine.WaitStrategy = (WaitStrategyKind)42; break;
            case "schema-validation": o.Schemas.Validation = (Pipeline.Hosting.PayloadValidation)42; break;
            case "snapshot-interval": o.Snapshots.IntervalEvents = -1; break;
            case "snapshot-keep": o.Snapshots.Keep = 0; break;
            default: throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown rule");
        }
    }

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void Validate_OneRuleBroken_FailsNamingTheKey(string rule, string key)
    {
        ValidateOptionsResult result = Validate(o => Break(rule, o));

        Assert.True(result.Failed);
        Assert.NotEmpty(result.Failures!);
        Assert.All(result.Failures!, f => Assert.StartsWith(key, f, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralRulesBroken_ReportsEach()
    {
        ValidateOptionsResult result = Validate(o =>
        {
            o.Ingest.Address = "not an address";
            o.Engine.RingSize = 1000;
            o.Snapshots.Keep = 0;
        });

        Assert.Equal(3, result.Failures!.Count());
    }
}
