using System;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Server.Cli;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.Tests.Cli;

public sealed class ConsumersCommandTests
{
    [Fact]
    public void Parse_EachSubCommand_ActionNamePositionAndJson()
    {
        Assert.Equal(new ConsumersCommand.Options("list", null, 0, false, "127.0.0.1", 7400), ConsumersCommand.Parse(["consumers", "list"]));
        Assert.Equal(new ConsumersCommand.Options("list", null, 0, true, "h", 7400), ConsumersCommand.Parse(["consumers", "list", "--json", "--host", "h"]));
        Assert.Equal(new ConsumersCommand.Options("reset", "balances", 42, false, "127.0.0.1", 7400), ConsumersCommand.Parse(["consumers", "reset", "balances", "--to", "42"]));
        Assert.Equal(new ConsumersCommand.Options("reset", "balances", 0, false, "127.0.0.1", 7400), ConsumersCommand.Parse(["consumers", "reset", "--to", "0", "balances"]));
        Assert.Equal(new ConsumersCommand.Options("delete", "old.v1", 0, false, "127.0.0.1", 7401), ConsumersCommand.Parse(["consumers", "delete", "old.v1", "--port", "7401"]));
    }

    [Theory]
    [InlineData("consumers needs list, reset or delete")]
    [InlineData("unknown consumers command 'show'", "show")]
    [InlineData("unexpected argument 'x'", "list", "x")]
    [InlineData("unknown option '--to'", "list", "--to", "3")]
    [InlineData("consumers reset needs exactly one consumer NAME", "reset", "--to", "3")]
    [InlineData("consumers reset needs --to POSITION", "reset", "balances")]
    [InlineData("--to must be a whole number", "reset", "balances", "--to", "back")]
    [InlineData("consumers delete needs exactly one consumer NAME, not 2", "delete", "a", "b")]
    [InlineData("NAME: the consumer name has byte 0x2F at offset 1", "delete", "a/b")]
    [InlineData("unknown option '--json'", "delete", "a", "--json")]
    public void Parse_BadCommandLine_ThrowsSayingWhatIsWrong(string expected, params string[] args)
    {
        CliException error = Assert.Throws<CliException>(() => ConsumersCommand.Parse(["consumers", .. args]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoSubCommand_ExitsWithUsage()
    {
        (int code, string[] _, string error) = await FakeService.RunAsync("consumers");

        Assert.Equal(OperatorCommands.Usage, code);
        Assert.Contains("usage: consumers list", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_List_PrintsATableWithTheHead()
    {
        using var service = new FakeService();

        Task<(int Code, string[] Lines, string Error)> running = FakeService.RunAsync("consumers", "list", "--port", service.Port);
        using FrameConnection connection = await service.AcceptAsync();
        (ulong requestId, string name, ulong _, string _) = (await connection.ReadRequiredFrameAsync()).AsQuery();
        await connection.SendAsync(w => FrameWriter.WriteResult(w, requestId, 0, ResultStatus.Ok,
            """{"head":1234,"consumers":[{"consumer":"balances","position":1200,"lag":34,"commits":17,"updatedAt":"2026-12-07T17:00:00.0000000Z","subscribed":true}]}"""));
        (int code, string[] lines, string error) = await running;

        Assert.Equal(("pipeline.consumers", 0, ""), (name, code, error));
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("CONSUMER", lines[0], StringComparison.Ordinal);
        Assert.Equal(["balances", "1200", "34", "17", "yes", "2026-12-07T17:00:00Z"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("head 1234", lines[2]);
    }

    [Fact]
    public async Task RunAsync_Reset_SendsConsumerAdminAndPrintsTheResult()
    {
        using var service = new FakeService();

        Task<(int Code, string[] Lines, string Error)> running = FakeService.RunAsync("consumers", "reset", "balances", "--to", "10", "--port", service.Port);
        using FrameConnection connection = await service.AcceptAsync();
        Assert.True(ClientFrames.TryParseConsumerAdmin((await connection.ReadRequiredFrameAsync()).Body, out ConsumerAdminFrame admin));
        (ulong requestId, ConsumerOperation operation, ulong position) = (admin.RequestId, admin.Operation, admin.Position);
        await connection.SendAsync(w => FrameWriter.WriteConsumerResult(w, requestId, ConsumerResultStatus.Ok, 10, string.Empty));
        (int code, string[] lines, string _) = await running;

        Assert.Equal((ConsumerOperation.Reset, 10UL), (operation, position));
        Assert.Equal(0, code);
        Assert.Equal(["RESET Ok position=10"], lines);
    }

    [Fact]
    public async Task RunAsync_DeleteUnknown_PrintsNotFoundAndExits1()
    {
        using var service = new FakeService();

        Task<(int Code, string[] Lines, string Error)> running = FakeService.RunAsync("consumers", "delete", "nobody", "--port", service.Port);
        using FrameConnection connection = await service.AcceptAsync();
        Assert.True(ClientFrames.TryParseConsumerAdmin((await connection.ReadRequiredFrameAsync()).Body, out ConsumerAdminFrame admin));
        ulong requestId = admin.RequestId;
        await connection.SendAsync(w => FrameWriter.WriteConsumerResult(w, requestId, ConsumerResultStatus.NotFound, 0, "no such consumer"));
        (int code, string[] lines, string _) = await running;

        Assert.Equal(1, code);
        Assert.Equal(["DELETE NotFound position=0 no such consumer"], lines);
    }
}
