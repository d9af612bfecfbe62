using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Client.Tests;

/// <summary>Durable consumers against a scripted server: COMMIT, CONSUMER_ADMIN and the query pipeline.consumers.</summary>
public sealed class PipelineClientConsumerTests
{
    private const string TwoConsumers =
        """{"head":1234,"consumers":[{"consumer":"balances","position":1200,"lag":34,"commits":17,"updatedAt":"2026-12-07T17:00:00.0000000Z","subscribed":true},{"consumer":"audit.v2","position":0,"lag":1234,"commits":0,"updatedAt":"2026-12-06T01:02:03.0000000Z","subscribed":false,"future":[1]}]}""";

    private static async Task<(PipelineClient Client, FrameConnection Connection)> ConnectAsync(ScriptedServer server, ushort version = 3, bool autoReconnect = false)
    {
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        var options = new PipelineClientOptions { Port = server.Port, ProtocolVersion = version, AutoReconnect = autoReconnect, ReconnectDelay = TimeSpan.FromMilliseconds(10) };
        PipelineClient client = await PipelineClient.ConnectAsync(options).WaitAsync(TestTimeouts.Default);
        return (client, (await accepting).Connection);
    }

    [Theory]
    [InlineData(ConsumerResultStatus.Ok, 42UL, "")]
    [InlineData(ConsumerResultStatus.Stale, 50UL, "")]
    [InlineData(ConsumerResultStatus.BadRequest, 0UL, "position 42 is above the visible head 40")]
    [InlineData(ConsumerResultStatus.StoreError, 0UL, "disk full")]
    public async Task CommitAsync_AnyStatus_SendsCommitAndReturnsTheResult(ConsumerResultStatus status, ulong position, string message)
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;

        Task<CommitResult> committing = client.CommitAsync("balances", 42);
        var commit = (await connection.ReadRequiredFrameAsync()).AsCommit();
        await connection.SendAsync(ScriptedFrames.ConsumerResult(commit.RequestId, status, position, message));
        CommitResult result = await committing.WaitAsync(TestTimeouts.Default);

        Assert.Equal((42UL, "balances"), (commit.Position, commit.Consumer));
        Assert.Equal((commit.RequestId, status, position, message), (result.RequestId, result.Status, result.Position, result.Message));
    }

    [Fact]
    public async Task ResetAndDeleteConsumerAsync_SendConsumerAdminAndReturnTheResults()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;

        Task<CommitResult> resetting = client.ResetConsumerAsync("balances", 7);
        Task<CommitResult> deleting = client.DeleteConsumerAsync("gone");
        var reset = (await connection.ReadRequiredFrameAsync()).AsConsumerAdmin();
        var delete = (await connection.ReadRequiredFrameAsync()).AsConsumerAdmin();
        await connection.SendAsync(FrameBytes.Concat(
            ScriptedFrames.ConsumerResult(delete.RequestId, ConsumerResultStatus.NotFound, 0, "no such consumer"),
            ScriptedFrames.ConsumerResult(reset.RequestId, ConsumerResultStatus.Ok, 7)));
        CommitResult resetResult = await resetting.WaitAsync(TestTimeouts.Default);
        CommitResult deleteResult = await deleting.WaitAsync(TestTimeouts.Default);

        Assert.Equal((ConsumerOperation.Reset, 7UL, "balances"), (reset.Operation, reset.Position, reset.Consumer));
        Assert.Equal((ConsumerOperation.Delete, 0UL, "gone"), (delete.Operation, delete.Position, delete.Consumer));
        Assert.Equal((ConsumerResultStatus.Ok, 7UL), (resetResult.Status, resetResult.Position));
        Assert.Equal((ConsumerResultStatus.NotFound, "no such consumer"), (deleteResult.Status, deleteResult.Message));
    }

    [Fact]
    public async Task ConsumerCalls_BadNameOrVersion2_ThrowAndSendNothing()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        using var server2 = new ScriptedServer();
        (PipelineClient old, FrameConnection connection2) = await ConnectAsync(server2, version: 2);
        await using PipelineClient lease3 = old;
        using FrameConnection lease4 = connection2;

        ArgumentException empty = await Assert.ThrowsAsync<ArgumentException>(() => client.CommitAsync("", 1));
        ArgumentException slash = await Assert.ThrowsAsync<ArgumentException>(() => client.ResetConsumerAsync("a/b", 1));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteConsumerAsync(new string('x', 129)));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.CommitAsync(null!, 1));
        InvalidOperationException version = await Assert.ThrowsAsync<InvalidOperationException>(() => old.CommitAsync("balances", 1));
        _ = client.PingAsync();

        Assert.Contains("1..128", empty.Message, StringComparison.Ordinal);
        Assert.Contains("byte 0x2F at offset 1", slash.Message, StringComparison.Ordinal);
        Assert.Contains("ProtocolVersion = 3", version.Message, StringComparison.Ordinal);
        Assert.Equal(FrameKind.Ping, (await connection.ReadRequiredFrameAsync()).Kind);
    }

    [Fact]
    public async Task CommitAsync_ConnectionLostBeforeTheAnswer_FailsAndTheNextCommitGoesOnTheNewConnection()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection first) = await ConnectAsync(server, autoReconnect: true);
        await using PipelineClient lease = client;

        Task<CommitResult> lost = client.CommitAsync("balances", 3);
        await first.ReadRequiredFrameAsync();
        first.Abort();
        (FrameConnection second, ulong _) = await server.AcceptHelloAsync();
        using FrameConnection lease2 = second;
        await Assert.ThrowsAsync<InvalidOperationException>(() => lost.WaitAsync(TestTimeouts.Default));
        Task<CommitResult> again = client.CommitAsync("balances", 3);
        var commit = (await second.ReadRequiredFrameAsync()).AsCommit();
        await second.SendAsync(ScriptedFrames.ConsumerResult(commit.RequestId, ConsumerResultStatus.Ok, 3));

        Assert.Equal(ConsumerResultStatus.Ok, (await again.WaitAsync(TestTimeouts.Default)).Status);
    }

    [Fact]
    public async Task ListConsumersAsync_OnAVersion1Connection_QueriesPipelineConsumersAndParsesEveryField()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server, version: 1);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;

        Task<IReadOnlyList<ConsumerInfo>> listing = client.ListConsumersAsync();
        (ulong requestId, string name, ulong _, string args) = (await connection.ReadRequiredFrameAsync()).AsQuery();
        await connection.SendAsync(w => FrameWriter.WriteResult(w, requestId, 0, ResultStatus.Ok, TwoConsumers));
        IReadOnlyList<ConsumerInfo> consumers = await listing.WaitAsync(TestTimeouts.Default);

        Assert.Equal(("pipeline.consumers", "{}"), (name, args));
        Assert.Equal(
            [
                new ConsumerInfo("balances", 1200, 34, 1234, 17, new DateTime(2026, 12, 7, 17, 0, 0, DateTimeKind.Utc), true),
                new ConsumerInfo("audit.v2", 0, 1234, 1234, 0, new DateTime(2026, 12, 6, 1, 2, 3, DateTimeKind.Utc), false),
            ],
            consumers);
        Assert.Equal(DateTimeKind.Utc, consumers[0].UpdatedAt.Kind);
    }

    [Fact]
    public async Task GetConsumerAsync_OkNotFoundAndBadRequest_ReturnsItNullOrThrows()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        const string One = """{"head":9,"consumers":[{"consumer":"balances","position":5,"lag":4,"commits":2,"updatedAt":"2026-12-07T17:00:00.0000000Z","subscribed":false}]}""";

        async Task<(string Args, Task<ConsumerInfo?> Answer)> Ask(string consumer, ResultStatus status, string body)
        {
            Task<ConsumerInfo?> answer = client.GetConsumerAsync(consumer);
            (ulong requestId, string _, ulong _, string args) = (await connection.ReadRequiredFrameAsync()).AsQuery();
            await connection.SendAsync(w => FrameWriter.WriteResult(w, requestId, 0, status, body));
            return (args, answer);
        }

        (string args, Task<ConsumerInfo?> found) = await Ask("balances", ResultStatus.Ok, One);
        (_, Task<ConsumerInfo?> missing) = await Ask("nobody", ResultStatus.NotFound, """{"consumer":"nobody","error":"no such consumer"}""");
        (_, Task<ConsumerInfo?> refused) = await Ask("x", ResultStatus.BadRequest, """{"error":"unknown query 'pipeline.consumers'"}""");
        (_, Task<ConsumerInfo?> garbled) = await Ask("y", ResultStatus.Ok, """{"head":9,"consumers":[{"consumer":"y"}]}""");

        Assert.Equal("""{"consumer":"balances"}""", args);
        Assert.Equal(new ConsumerInfo("balances", 5, 4, 9, 2, new DateTime(2026, 12, 7, 17, 0, 0, DateTimeKind.Utc), false), await found.WaitAsync(TestTimeouts.Default));
        Assert.Null(await missing.WaitAsync(TestTimeouts.Default));
        InvalidOperationException badRequest = await Assert.ThrowsAsync<InvalidOperationException>(() => refused.WaitAsync(TestTimeouts.Default));
        Assert.Contains("BadRequest", badRequest.Message, StringComparison.Ordinal);
        InvalidOperationException malformed = await Assert.ThrowsAsync<InvalidOperationException>(() => garbled.WaitAsync(TestTimeouts.Default));
        Assert.Contains("not the documented JSON", malformed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"consumers":[]}""")]
    [InlineData("""{"head":1,"consumers":[{"consumer":"a","position":-1,"lag":0,"commits":0,"updatedAt":"2026-12-07T17:00:00Z","subscribed":false}]}""")]
    [InlineData("""{"head":1,"consumers":[{"consumer":"a","position":1,"lag":0,"commits":0,"updatedAt":"yesterday","subscribed":false}]}""")]
    public void ParseConsumers_NotTheDocumentedShape_ThrowsInvalidOperation(string json)
    {
        Assert.Throws<InvalidOperationException>(() => PipelineClient.ParseConsumers(json));
    }

    [Fact]
    public void ParseConsumers_NoConsumers_ReturnsEmpty()
    {
        Assert.Empty(PipelineClient.ParseConsumers("""{"head":0,"consumers":[]}"""));
    }
}
