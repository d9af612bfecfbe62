using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.Cli;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.Tests.Cli;

public sealed class SubscribeCommandTests
{
    [Fact]
    public void Parse_NoOptions_FromTheBeginningAnonymousEveryEventForever()
    {
        SubscribeCommand.Options o = SubscribeCommand.Parse(["subscribe"]);

        Assert.Equal((SubscriptionStart.Beginning, 0UL, EventFilter.None, null, SubscriptionOptions.DefaultCredits), (o.Subscription.Start, o.Subscription.From, o.Subscription.Filter, o.Subscription.Consumer, o.Subscription.Credits));
        Assert.Equal((SubscribeCommand.DefaultCommitEvery, ulong.MaxValue, "127.0.0.1", 7400), (o.CommitEvery, o.Count, o.Host, o.Port));
    }

    [Fact]
    public void Parse_EveryOption_SetsItsField()
    {
        SubscribeCommand.Options o = SubscribeCommand.Parse(["tail", "--from", "42", "--consumer", "balances", "--commit-every", "10", "--type-prefix", "ledger.", "--count", "5", "--host", "h", "--port", "7401"]);
        SubscribeCommand.Options end = SubscribeCommand.Parse(["subscribe", "--from-end", "--producer", "0"]);
        SubscribeCommand.Options start = SubscribeCommand.Parse(["subscribe", "--from-start", "--stream-prefix", "account-"]);
        SubscribeCommand.Options stream = SubscribeCommand.Parse(["subscribe", "--stream", "account-a-1"]);

        Assert.Equal((SubscriptionStart.StartAt, 42UL, EventFilter.TypePrefix("ledger."), "balances"), (o.Subscription.Start, o.Subscription.From, o.Subscription.Filter, o.Subscription.Consumer));
        Assert.Equal((10UL, 5UL, "h", 7401), (o.CommitEvery, o.Count, o.Host, o.Port));
        Assert.Equal((SubscriptionStart.End, EventFilter.Producer(0)), (end.Subscription.Start, end.Subscription.Filter));
        Assert.Equal((SubscriptionStart.Beginning, EventFilter.StreamPrefix("account-")), (start.Subscription.Start, start.Subscription.Filter));
        Assert.Equal(EventFilter.Stream("account-a-1"), stream.Subscription.Filter);
    }

    [Theory]
    [InlineData("choose one of --from-start, --from-end and --from", "--from-start", "--from-end")]
    [InlineData("choose one of --from-start, --from-end and --from", "--from", "3", "--from-start")]
    [InlineData("--from must be a whole number from 0 to", "--from", "x")]
    [InlineData("--from must be a whole number", "--from", "-1")]
    [InlineData("--from needs a value", "--from")]
    [InlineData("--commit-every needs --consumer", "--commit-every", "5")]
    [InlineData("--commit-every must be a whole number from 1", "--consumer", "c", "--commit-every", "0")]
    [InlineData("--consumer: the consumer name has byte 0x20 at offset 1", "--consumer", "a b")]
    [InlineData("--consumer: the consumer name is 0 bytes", "--consumer", "")]
    [InlineData("choose at most one filter: --stream and --type-prefix", "--stream", "a", "--type-prefix", "b")]
    [InlineData("--stream: the stream id of filter Stream is 0 bytes; it must be 1..255", "--stream", "")]
    [InlineData("--producer must be a whole number", "--producer", "p")]
    [InlineData("--count must be a whole number from 1", "--count", "0")]
    [InlineData("--count is given twice", "--count", "1", "--count", "2")]
    [InlineData("unknown option '--bogus'", "--bogus")]
    [InlineData("unexpected argument 'extra'", "extra")]
    [InlineData("--port must be a whole number from 1 to 65535", "--port", "70000")]
    public void Parse_BadOptions_ThrowsSayingWhatIsWrong(string expected, params string[] options)
    {
        CliException error = Assert.Throws<CliException>(() => SubscribeCommand.Parse(["subscribe", .. options]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TypePrefixLongerThan255Bytes_ThrowsSayingTheLimit()
    {
        CliException error = Assert.Throws<CliException>(() => SubscribeCommand.Parse(["subscribe", "--type-prefix", new string('t', 256)]));

        Assert.Contains("the type prefix of filter TypePrefix is 256 bytes; it must be 1..255", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BadOption_ExitsWithUsageAndPrintsTheProblemAndTheUsage()
    {
        (int code, string[] lines, string error) = await FakeService.RunAsync("tail", "--count", "none");

        Assert.Equal(OperatorCommands.Usage, code);
        Assert.Empty(lines);
        Assert.Contains("error: --count must be a whole number", error, StringComparison.Ordinal);
        Assert.Contains("usage: subscribe|tail", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DurableConsumerWithCount_PrintsEventsAndCaughtUpOnceCommitsEveryNAndAtExit()
    {
        using var service = new FakeService();

        Task<(int Code, string[] Lines, string Error)> running = FakeService.RunAsync(
            "subscribe", "--port", service.Port, "--consumer", "balances", "--commit-every", "2", "--count", "3", "--type-prefix", "ledger.");
        using FrameConnection connection = await service.AcceptAsync();
        ReceivedFrame subscribeFrame = await connection.ReadRequiredFrameAsync();
        Assert.True(ClientFrames.TryParseSubscribe(subscribeFrame.Body, out SubscribeFrame subscribe));
        (ulong id, SubscriptionStart start, string consumer, EventFilterKind filter) = (subscribe.SubscriptionId, subscribe.Start, System.Text.Encoding.UTF8.GetString(subscribe.Consumer), subscribe.FilterKind);
        await connection.SendAsync(FrameBytes.Concat(
            FrameBytes.Build(w => FrameWriter.WriteSubscribed(w, id, 5, 6)), FakeService.Records(FrameKind.Push, id, 5, 6),
            FrameBytes.Build(w => FrameWriter.WriteCaughtUp(w, id, 6)), FakeService.Records(FrameKind.Push, id, 7, 8)));
        ulong[] commits = new ulong[2];
        for (int i = 0; i < 2; i++)
        {
            ReceivedFrame frame = await connection.ReadRequiredFrameAsync();
            if (frame.Kind == FrameKind.Unsubscribe)
            {
                frame = await connection.ReadRequiredFrameAsync(); // the exit commit follows the UNSUBSCRIBE
            }

            Assert.True(ClientFrames.TryParseCommit(frame.Body, out CommitFrame commit));
            commits[i] = commit.Position;
            ulong requestId = commit.RequestId;
            await connection.SendAsync(w => FrameWriter.WriteConsumerResult(w, requestId, ConsumerResultStatus.Ok, commits[i], string.Empty));
        }

        (int code, string[] lines, string error) = await running;

        Assert.Equal((SubscriptionStart.Checkpoint, "balances", EventFilterKind.TypePrefix), (start, consumer, filter));
        Assert.Equal((0, ""), (code, error));
        Assert.Equal(4, lines.Length);
        Assert.Equal("""{"caughtUp":6}""", lines[2]);
        JsonElement[] events = [.. new[] { lines[0], lines[1], lines[3] }.Select(l => JsonDocument.Parse(l).RootElement)];
        Assert.Equal([5L, 6, 7], events.Select(e => e.GetProperty("position").GetInt64()));
        Assert.Equal("ledger.deposited", events[0].GetProperty("type").GetString());
        Assert.Equal(7, events[2].GetProperty("payload").GetProperty("n").GetInt64());
        Assert.Equal([6UL, 7UL], commits);
    }

    [Fact]
    public async Task RunAsync_ServerEndsTheSubscription_PrintsTheEndAndExits1()
    {
        using var service = new FakeService();

        Task<(int Code, string[] Lines, string Error)> running = FakeService.RunAsync("subscribe", "--port", service.Port, "--from-end");
        using FrameConnection connection = await service.AcceptAsync();
        Assert.True(ClientFrames.TryParseSubscribe((await connection.ReadRequiredFrameAsync()).Body, out SubscribeFrame subscribe));
        ulong id = subscribe.SubscriptionId;
        await connection.SendAsync(w => FrameWriter.WriteSubEnd(w, id, SubscriptionEndStatus.NotSupported, 0, "the event store is off"));
        (int code, string[] lines, string error) = await running;

        Assert.Equal(1, code);
        Assert.Empty(lines);
        Assert.Contains("end: NotSupported, next 0 the event store is off", error, StringComparison.Ordinal);
    }
}
