using System;
using System.IO;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.LoadGen.Tests;

public sealed class LoadGenOptionsTests
{
    private static LoadGenOptions ParseOk(params string[] args)
    {
        bool ok = LoadGenOptions.TryParse(args, out LoadGenOptions options, out string? error);
        Assert.True(ok, error);
        Assert.Null(error);
        return options;
    }

    private static string ParseError(params string[] args)
    {
        bool ok = LoadGenOptions.TryParse(args, out _, out string? error);
        Assert.False(ok);
        Assert.NotNull(error);
        return error;
    }

    [Theory]
    [InlineData("50000", 50_000)]
    [InlineData("50k", 50_000)]
    [InlineData("50K", 50_000)]
    [InlineData("1.5M", 1_500_000)]
    [InlineData("2.5e5", 250_000)]
    [InlineData("0.5", 0.5)]
    public void TryParseRate_PlainOrWithSuffix_GivesCommandsPerSecond(string text, double expected)
    {
        Assert.True(LoadGenOptions.TryParseRate(text, out double rate));

        Assert.Equal(expected, rate);
    }

    [Theory]
    [InlineData("")]
    [InlineData("k")]
    [InlineData("fast")]
    [InlineData("0")]
    [InlineData("-5k")]
    [InlineData("1.5G")]
    [InlineData("1e400")]
    public void TryParseRate_NotAPositiveRate_ReturnsFalse(string text)
    {
        Assert.False(LoadGenOptions.TryParseRate(text, out _));
    }

    [Fact]
    public void TryParse_OpenLoopCommandOfThePerfScript_TakesEveryValue()
    {
        LoadGenOptions o = ParseOk("load", "--mode", "open", "--rate", "50k", "--durability", "Batch", "--connections", "8", "--duration", "10", "--warmup", "3", "--accounts", "10000", "--out", "/tmp/x", "--name", "open-50k-Batch");

        Assert.Equal(LoadGenVerb.Load, o.Verb);
        Assert.Equal(LoadMode.Open, o.Mode);
        Assert.Equal(50_000, o.Rate);
        Assert.Equal("Batch", o.Durability);
        Assert.Equal(8, o.Connections);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Duration);
        Assert.Equal(TimeSpan.FromSeconds(3), o.Warmup);
        Assert.Equal(10_000, o.Accounts);
        Assert.Equal("/tmp/x", o.OutDirectory);
        Assert.Equal("open-50k-Batch", o.Name);
        Assert.Equal(0, o.Port);
        Assert.False(o.Help);
    }

    [Fact]
    public void TryParse_ClosedLoopCommandOfThePerfScript_TakesEveryValue()
    {
        LoadGenOptions o = ParseOk("load", "--mode", "closed", "--durability", "none", "--connections", "8", "--window", "1024", "--batch", "64", "--duration", "10", "--warmup", "3", "--out", "d", "--name", "closed-None");

        Assert.Equal(LoadMode.Closed, o.Mode);
        Assert.Equal("None", o.Durability);
        Assert.Equal(1024, o.Window);
        Assert.Equal(64, o.Batch);
        Assert.Equal(0, o.Rate);
        Assert.Equal("closed-None", o.Name);
    }

    [Fact]
    public void TryParse_RecoveryCommandOfThePerfScript_TakesEveryValue()
    {
        LoadGenOptions o = ParseOk("recovery", "--events", "1000000", "--snapshot", "true", "--out", "d", "--name", "recovery-1M-snapshot");

        Assert.Equal(LoadGenVerb.Recovery, o.Verb);
        Assert.Equal(1_000_000, o.Events);
        Assert.True(o.Snapshot);
        Assert.Equal("recovery-1M-snapshot", o.Name);
    }

    [Fact]
    public void TryParse_KeepData_TakesAFolderThatDoesNotExistYet()
    {
        using var temp = new TempDirectory();
        string fresh = temp.Combine("kept");

        Assert.Equal(fresh, ParseOk("recovery", "--events", "5k", "--keep-data", fresh).KeepData);
        Assert.Null(ParseOk("recovery", "--events", "5k").KeepData);
        Assert.Contains("must name a folder that does not exist yet", ParseError("recovery", "--keep-data", temp.Path), StringComparison.Ordinal);
        Assert.Contains("--keep-data", ParseError("load", "--keep-data", fresh), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ExternalServerAndServerArgs_AreKept()
    {
        LoadGenOptions o = ParseOk("load", "--mode", "closed", "--host", "10.0.0.2", "--port", "7400", "--server-args", "--Pipeline:Engine:RingSize=16384 --Pipeline:Engine:DecodeHandlers=1");

        Assert.Equal("10.0.0.2", o.Host);
        Assert.Equal(7400, o.Port);
        Assert.Equal("--Pipeline:Engine:RingSize=16384 --Pipeline:Engine:DecodeHandlers=1", o.ServerArgs);
    }

    [Fact]
    public void TryParse_NoName_DerivesOneFromTheOptions()
    {
        Assert.Equal("open-2000-Batch", ParseOk("load", "--mode", "open", "--rate", "2k").Name);
        Assert.Equal("closed-None", ParseOk("load", "--durability", "None").Name);
        Assert.Equal("recovery-5000-snapshot", ParseOk("recovery", "--events", "5k", "--snapshot", "true").Name);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void TryParse_Help_AsksForTheUsage(string flag)
    {
        Assert.True(ParseOk(flag).Help);
        Assert.True(ParseOk("load", "--mode", "open", flag).Help);
        Assert.Contains("--rate", LoadGenOptions.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnknownOption_NamesIt()
    {
        string error = ParseError("load", "--mode", "open", "--rate", "1k", "--speed", "3");

        Assert.Contains("--speed", error, StringComparison.Ordinal);
        Assert.Contains("unknown option", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate", "fast")]
    [InlineData("--connections", "0")]
    [InlineData("--connections", "eight")]
    [InlineData("--duration", "-1")]
    [InlineData("--duration", "0")]
    [InlineData("--warmup", "x")]
    [InlineData("--durability", "Always")]
    [InlineData("--mode", "half-open")]
    [InlineData("--port", "70000")]
    [InlineData("--window", "1.5")]
    [InlineData("--name", "a/b")]
    public void TryParse_BadValue_NamesTheOptionAndTheValue(string option, string value)
    {
        string error = ParseError("load", "--mode", "open", "--rate", "1k", option, value);

        Assert.StartsWith("option " + option, error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate")]
    [InlineData("--out")]
    public void TryParse_MissingValue_NamesTheOption(string option)
    {
        Assert.Equal($"option {option} needs a value", ParseError("load", "--mode", "open", option));
        Assert.Equal($"option {option} needs a value", ParseError("load", option, "--mode", "open"));
    }

    [Fact]
    public void TryParse_OpenWithoutRate_SaysTheRateIsRequired()
    {
        Assert.Equal("option --rate is required with --mode open", ParseError("load", "--mode", "open"));
    }

    [Fact]
    public void TryParse_OptionOfTheOtherVerb_IsRefused()
    {
        Assert.Contains("--events", ParseError("load", "--events", "5"), StringComparison.Ordinal);
        Assert.Contains("--rate", ParseError("recovery", "--rate", "5k"), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NoOrUnknownVerb_Fails()
    {
        Assert.Contains("missing verb", ParseError(), StringComparison.Ordinal);
        Assert.Contains("'bench'", ParseError("bench"), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NoVerbAsTheFirstVersion_MeansLoadAndARateAloneMeansOpen()
    {
        LoadGenOptions open = ParseOk("--connections", "8", "--rate", "250k", "--duration", "5", "--durability", "Batch");
        LoadGenOptions closed = ParseOk("--connections", "8", "--window", "1024", "--batch", "64");

        Assert.Equal(LoadGenVerb.Load, open.Verb);
        Assert.Equal(LoadMode.Open, open.Mode);
        Assert.Equal(250_000, open.Rate);
        Assert.Equal(LoadMode.Closed, closed.Mode);
        Assert.Equal("option --rate applies only to --mode open", ParseError("load", "--mode", "closed", "--rate", "5k"));
        Assert.Contains("load verb", ParseError("--events", "5"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shared", false)]
    [InlineData("spread", true)]
    [InlineData("Spread", true)]
    public void TryParse_Pacing_IsTaken(string value, bool spread)
    {
        OpenLoopPacing expected = spread ? OpenLoopPacing.Spread : OpenLoopPacing.Shared;

        Assert.Equal(expected, ParseOk("load", "--mode", "open", "--rate", "50k", "--pacing", value).Pacing);
        Assert.Equal(expected, ParseOk("--rate", "50k", "--pacing", value).Pacing);
    }

    [Fact]
    public void TryParse_NoPacing_IsSharedAsBefore()
    {
        Assert.Equal(OpenLoopPacing.Shared, ParseOk("load", "--mode", "open", "--rate", "50k").Pacing);
        Assert.Equal(OpenLoopPacing.Shared, ParseOk("load", "--mode", "closed").Pacing);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("")]
    [InlineData("1")]
    public void TryParse_BadPacing_NamesTheOptionTheValueAndTheChoices(string value)
    {
        Assert.Equal($"option --pacing: '{value}' is not shared or spread", ParseError("load", "--mode", "open", "--rate", "1k", "--pacing", value));
    }

    [Fact]
    public void TryParse_PacingInClosedLoopOrRecovery_IsRefused()
    {
        Assert.Equal("option --pacing applies only to --mode open", ParseError("load", "--mode", "closed", "--pacing", "spread"));
        Assert.Equal("option --pacing applies only to --mode open", ParseError("load", "--pacing", "shared"));
        Assert.Equal("option --pacing does not apply to the recovery verb", ParseError("recovery", "--pacing", "spread"));
        Assert.Equal("option --pacing needs a value", ParseError("load", "--rate", "1k", "--pacing"));
    }

    [Fact]
    public void TryParse_SpreadWithoutName_HasItInTheDerivedName()
    {
        Assert.Equal("open-2000-Batch-spread", ParseOk("load", "--rate", "2k", "--pacing", "spread").Name);
        Assert.Equal("open-2000-Batch", ParseOk("load", "--rate", "2k", "--pacing", "shared").Name);
        Assert.Contains("--pacing shared|spread", LoadGenOptions.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NoOutInsideTheRepository_DefaultsToPerfResultsLoadgenUnderItsRoot()
    {
        using var temp = new TempDirectory();
        string nested = Path.Combine(temp.Path, "perf", "Pipeline.LoadGen", "bin", "Release");
        Directory.CreateDirectory(nested);
        File.WriteAllText(temp.Combine("Pipeline.sln"), string.Empty);

        bool ok = LoadGenOptions.TryParse(["load", "--rate", "2k"], nested, out LoadGenOptions options, out string? error);

        Assert.True(ok, error);
        Assert.Equal(Path.Combine(temp.Path, "perf", "results", "loadgen"), options.OutDirectory);
    }

    [Fact]
    public void TryParse_NoOutFromTheTestsFolder_FindsThisRepository()
    {
        LoadGenOptions o = ParseOk("recovery", "--events", "5k");

        string root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(o.OutDirectory)))!;
        Assert.Equal(Path.Combine(root, "perf", "results", "loadgen"), o.OutDirectory);
        Assert.True(File.Exists(Path.Combine(root, "Pipeline.sln")));
    }

    [Fact]
    public void TryParse_OutGiven_KeepsItAndNeedsNoRepository()
    {
        using var temp = new TempDirectory();

        bool ok = LoadGenOptions.TryParse(["load", "--rate", "2k", "--out", "somewhere/else"], temp.Path, out LoadGenOptions options, out string? error);

        Assert.True(ok, error);
        Assert.Equal("somewhere/else", options.OutDirectory);
    }

    [Fact]
    public void TryParse_NoOutOutsideTheRepository_FailsAskingForOut()
    {
        using var temp = new TempDirectory();

        bool ok = LoadGenOptions.TryParse(["recovery", "--events", "5k"], temp.Path, out _, out string? error);

        Assert.False(ok);
        Assert.Equal(
            $"no --out given and no Pipeline.sln in {temp.Path} or above it: run from inside the repository (files go to perf/results/loadgen/ under its root) or give --out DIR",
            error);
    }

    [Fact]
    public void TryParse_EmptyOut_IsRefused()
    {
        Assert.Equal("option --out: the folder must not be empty", ParseError("load", "--rate", "2k", "--out", string.Empty));
    }

    [Fact]
    public void Usage_Out_NamesTheNewDefault()
    {
        Assert.Contains("default: perf/results/loadgen/ under the", LoadGenOptions.Usage, StringComparison.Ordinal);
        Assert.DoesNotContain("the current folder", LoadGenOptions.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_BatchLargerThanWindow_Fails()
    {
        Assert.Contains("--batch", ParseError("load", "--window", "16", "--batch", "64"), StringComparison.Ordinal);
    }
}
