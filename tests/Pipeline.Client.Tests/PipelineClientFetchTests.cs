using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Client.Tests;

/// <summary>FETCH (protocol version 3) against a scripted server.</summary>
public sealed class PipelineClientFetchTests
{
    private static async Task<(PipelineClient Client, FrameConnection Connection)> ConnectAsync(ScriptedServer server, ushort version = 3)
    {
        Task<(FrameConnection Connection, ulong ProducerId)> accepting = server.AcceptHelloAsync();
        PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = server.Port, ProtocolVersion = version }).WaitAsync(TestTimeouts.Default);
        return (client, (await accepting).Connection);
    }

    [Fact]
    public async Task FetchAsync_EventsThenReadEnd_SendsEveryFieldAndReturnsEventsNextAndHead()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        var request = new FetchRequest { From = 5, MaxCount = 10, MaxBytes = 4096, MaxWait = TimeSpan.FromMilliseconds(250.2), Filter = EventFilter.StreamPrefix("s-") };

        Task<FetchResult> fetching = client.FetchAsync(request);
        var fetch = (await connection.ReadRequiredFrameAsync()).AsFetch();
        await connection.SendAsync(FrameBytes.Concat(
            ScriptedFrames.Records(FrameKind.Events, fetch.RequestId, 5, 6), ScriptedFrames.Records(FrameKind.Events, fetch.RequestId, 9),
            ScriptedFrames.ReadEnd(fetch.RequestId, ReadStatus.Ok, 12, 15, 3)));
        FetchResult result = await fetching.WaitAsync(TestTimeouts.Default);

        Assert.Equal((5UL, 10U, 4096U, 251U, EventFilterKind.StreamPrefix, 0UL, "s-"), (fetch.From, fetch.MaxCount, fetch.MaxBytes, fetch.MaxWaitMs, fetch.Filter, fetch.ProducerId, fetch.Key));
        Assert.Equal((fetch.RequestId, ReadStatus.Ok, 12UL, 15UL, ""), (result.RequestId, result.Status, result.Next, result.HeadPosition, result.Message));
        Assert.Equal([5UL, 6, 9], result.Events.Select(e => e.Position));
        Assert.Equal("{\"n\":9}", Encoding.UTF8.GetString(result.Events[2].Payload.Span));
    }

    [Theory]
    [InlineData(ReadStatus.Ok, 0)]
    [InlineData(ReadStatus.BadRequest, 0)]
    [InlineData(ReadStatus.NotSupported, 0)]
    [InlineData(ReadStatus.StoreError, 1)]
    [InlineData(ReadStatus.TooLarge, 1)]
    public async Task FetchAsync_AnyStatus_IsReturnedNotThrownWithTheEventsBeforeIt(ReadStatus status, int events)
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;

        Task<FetchResult> fetching = client.FetchAsync(new FetchRequest { From = 1 });
        var fetch = (await connection.ReadRequiredFrameAsync()).AsFetch();
        byte[] answer = ScriptedFrames.ReadEnd(fetch.RequestId, status, status is ReadStatus.Ok or ReadStatus.TooLarge ? 2UL : 0UL, 7, (uint)events, status == ReadStatus.Ok ? "" : "what went wrong");
        await connection.SendAsync(events == 0 ? answer : FrameBytes.Concat(ScriptedFrames.Records(FrameKind.Events, fetch.RequestId, 1), answer));
        FetchResult result = await fetching.WaitAsync(TestTimeouts.Default);

        Assert.Equal((1000U, 1024U * 1024, 0U, EventFilterKind.None), (fetch.MaxCount, fetch.MaxBytes, fetch.MaxWaitMs, fetch.Filter));
        Assert.Equal(status, result.Status);
        Assert.Equal(events, result.Events.Count);
        Assert.Equal(status == ReadStatus.Ok ? "" : "what went wrong", result.Message);
    }

    [Fact]
    public async Task FetchAsync_OutOfRangeRequestOrVersion2_ThrowsAndSendsNothing()
    {
        using var server = new ScriptedServer();
        (PipelineClient client, FrameConnection connection) = await ConnectAsync(server);
        await using PipelineClient lease = client;
        using FrameConnection lease2 = connection;
        using var server2 = new ScriptedServer();
        (PipelineClient old, FrameConnection connection2) = await ConnectAsync(server2, version: 2);
        await using PipelineClient lease3 = old;
        using FrameConnection lease4 = connection2;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.FetchAsync(new FetchRequest { MaxCount = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.FetchAsync(new FetchRequest { MaxCount = ConsumerLimits.MaxFetchCount + 1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.FetchAsync(new FetchRequest { MaxBytes = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.FetchAsync(new FetchRequest { MaxWait = TimeSpan.FromSeconds(61) }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.FetchAsync(new FetchRequest { MaxWait = TimeSpan.FromSeconds(-1) }));
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => old.FetchAsync(new FetchRequest()));
        _ = client.PingAsync();

        Assert.Contains("ProtocolVersion = 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(FrameKind.Ping, (await connection.ReadRequiredFrameAsync()).Kind);
    }
}
