using System;
using System.Text.Json;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.Cli;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.Tests.Cli;

public sealed class FetchCommandTests
{
    [Fact]
    public void Parse_NoOptions_TheDefaults()
    {
        FetchRequest r = FetchCommand.Parse(["fetch"]).Request;

        Assert.Equal((1UL, 100, 1024 * 1024, TimeSpan.Zero, EventFilter.None), (r.From, r.MaxCount, r.MaxBytes, r.MaxWait, r.Filter));
    }

    [Fact]
    public void Parse_EveryOption_SetsItsField()
    {
        FetchCommand.Options o = FetchCommand.Parse(["fetch", "--from", "7", "--max", "10000", "--max-bytes", "16777216", "--wait-ms", "60000", "--producer", "3", "--port", "9"]);

        Assert.Equal((7UL, 10000, 16777216, TimeSpan.FromSeconds(60), EventFilter.Producer(3), 9), (o.Request.From, o.Request.MaxCount, o.Request.MaxBytes, o.Request.MaxWait, o.Request.Filter, o.Port));
    }

    [Theory]
    [InlineData("--max must be a whole number from 1 to 10000, not '0'", "--max", "0")]
    [InlineData("--max must be a whole number from 1 to 10000, not '10001'", "--max", "10001")]
    [InlineData("--max-bytes must be a whole number from 1 to 16777216, not '0'", "--max-bytes", "0")]
    [InlineData("--max-bytes must be a whole number from 1 to 16777216, not '16777217'", "--max-bytes", "16777217")]
    [InlineData("--wait-ms must be a whole number from 0 to 60000, not '60001'", "--wait-ms", "60001")]
    [InlineData("--from must be a whole number", "--from", "one")]
    [InlineData("choose at most one filter: --stream-prefix and --type-prefix", "--type-prefix", "a", "--stream-prefix", "b")]
    [InlineData("unknown option '--from-end'", "--from-end")]
    [InlineData("--wait-ms needs a value", "--wait-ms")]
    [InlineData("unexpected argument '5'", "5")]
    public void Parse_BadOptions_ThrowsSayingWhatIsWrong(string expected, params string[] options)
    {
        CliException error = Assert.Throws<CliException>(() => FetchCommand.Parse(["fetch", .. options]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BadOption_ExitsWithUsage()
    {
        (int code, string[] _, string error) = await FakeService.RunAsync("fetch", "--max", "0");

        Assert.Equal(OperatorCommands.Usage, code);
        Assert.Contains("usage: fetch", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadStatus.Ok, 0)]
    [InlineData(ReadStatus.TooLarge, 1)]
    public async Task RunAsync_OneFetch_PrintsEventsThenNextAndHead(ReadStatus status, int expectedCode)
    {
        using var service = new FakeService();

        Task<(int Code, string[] Lines, string Error)> running = FakeService.RunAsync("fetch", "--port", service.Port, "--from", "3", "--max", "2", "--wait-ms", "500", "--stream", "a-1");
        using FrameConnection connection = await service.AcceptAsync();
        Assert.True(ClientFrames.TryParseFetch((await connection.ReadRequiredFrameAsync()).Body, out FetchFrame fetch));
        (ulong id, ulong from, uint max, uint wait, EventFilterKind filter) = (fetch.RequestId, fetch.From, fetch.MaxCount, fetch.MaxWaitMs, fetch.FilterKind);
        await connection.SendAsync(FrameBytes.Concat(
            FakeService.Records(FrameKind.Events, id, 3, 4), FrameBytes.Build(w => FrameWriter.WriteReadEnd(w, id, status, 5, 9, 2, status == ReadStatus.Ok ? "" : "event 5 is too large"))));
        (int code, string[] lines, string error) = await running;

        Assert.Equal((3UL, 2U, 500U, EventFilterKind.Stream), (from, max, wait, filter));
        Assert.Equal(expectedCode, code);
        Assert.Equal(3, lines.Length);
        Assert.Equal(4, JsonDocument.Parse(lines[1]).RootElement.GetProperty("position").GetInt64());
        Assert.Equal("""{"next":5,"head":9}""", lines[2]);
        Assert.Equal(status == ReadStatus.Ok ? "" : "end: TooLarge event 5 is too large", error.Trim());
    }
}
