using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using Pipeline.Ingest;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;
using static Pipeline.Ingest.Tests.IngestTestHost;

namespace Pipeline.Ingest.Tests;

public sealed class IngestListenerTests
{
    [Fact]
    public async Task Start_PortZero_BindsAFreePortThatAcceptsConnections()
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend);

        using FrameConnection client = await HandshakeAsync(listener);

        Assert.InRange(listener.Port, 1, 65535);
        Assert.Equal(1, listener.ConnectionCount);
    }

    [Theory]
    [InlineData("port")]
    [InlineData("frame")]
    [InlineData("connections")]
    [InlineData("inflight")]
    [InlineData("watermark")]
    public void Constructor_BadOption_ThrowsNamingTheOption(string which)
    {
        (IngestOptions options, string name) = which switch
        {
            "port" => (new IngestOptions { Port = 70_000 }, nameof(IngestOptions.Port)),
            "frame" => (new IngestOptions { MaxFrameLength = 63 }, nameof(IngestOptions.MaxFrameLength)),
            "connections" => (new IngestOptions { MaxConnections = 0 }, nameof(IngestOptions.MaxConnections)),
            "inflight" => (new IngestOptions { MaxInFlightPerConnection = 0 }, nameof(IngestOptions.MaxInFlightPerConnection)),
            _ => (new IngestOptions { OutputHighWatermarkBytes = 4095 }, nameof(IngestOptions.OutputHighWatermarkBytes)),
        };

        ArgumentException thrown = Assert.Throws<ArgumentException>(() => new IngestListener(options, new FakeIngestBackend()));

        Assert.Equal(name, thrown.ParamName);
    }

    [Fact]
    public async Task Accept_BeyondMaxConnections_RefusedWithTooManyConnectionsOthersKeepWorking()
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend, Options(maxConnections: 1));
        using FrameConnection first = await HandshakeAsync(listener);

        using FrameConnection second = await FrameConnection.ConnectAsync(listener.Port);
        ReceivedFrame? refusal = await second.ReadFrameAsync();
        ReceivedFrame? afterRefusal = await second.ReadFrameAsync();
        await first.SendAsync(FrameBytes.Ping(5));
        ReceivedFrame pong = await first.ReadRequiredFrameAsync();

        Assert.NotNull(refusal);
        Assert.Equal(ErrorCode.TooManyConnections, refusal.AsError().Code);
        Assert.Null(afterRefusal);
        Assert.Equal(5UL, pong.AsNonce());
        Assert.Equal(1, listener.ConnectionCount);
        Assert.Equal([0UL], backend.Hellos());
    }

    [Fact]
    public async Task StopAsync_PublishesAwaitingAcks_AcksThenShuttingDownThenClose()
    {
        var backend = new FakeIngestBackend { AutoAck = false };
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HandshakeAsync(listener);
        await client.SendAsync(Publishes(1, 5));
        await backend.Taken.WaitForAsync(5);

        Task stopping = listener.StopAsync(TestTimeouts.Default);
        await Task.Delay(QuietPeriod); // the connection must wait for its ACKs, not close without them
        bool stoppedBeforeTheAcks = stopping.IsCompleted;
        backend.AckNext(5);
        var frames = new List<ReceivedFrame>();
        while (await client.ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        client.Dispose(); // the server's lingering close waits for the client's side to close
        await stopping.WaitAsync(TestTimeouts.Default);
        Assert.False(stoppedBeforeTheAcks);
        Assert.Equal(6, frames.Count);
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], frames.Take(5).Select(f => f.AsAck().ProducerSequence));
        Assert.Equal(ErrorCode.ShuttingDown, frames[5].AsError().Code);
        Assert.Equal(0, listener.ConnectionCount);
    }

    [Fact]
    public async Task StopAsync_IdleConnections_EachGetsShuttingDownAndNewConnectionsAreRefused()
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend);
        using FrameConnection a = await HandshakeAsync(listener);
        using FrameConnection b = await HandshakeAsync(listener);

        Task stopping = listener.StopAsync(TestTimeouts.Default);
        ReceivedFrame? errorA = await a.ReadFrameAsync();
        ReceivedFrame? errorB = await b.ReadFrameAsync();
        ReceivedFrame? endA = await a.ReadFrameAsync();
        ReceivedFrame? endB = await b.ReadFrameAsync();
        a.Dispose();
        b.Dispose();
        await stopping.WaitAsync(TestTimeouts.Default);

        Assert.Equal(ErrorCode.ShuttingDown, errorA?.AsError().Code);
        Assert.Equal(ErrorCode.ShuttingDown, errorB?.AsError().Code);
        Assert.Null(endA);
        Assert.Null(endB);
        await Assert.ThrowsAnyAsync<SocketException>(() => FrameConnection.ConnectAsync(listener.Port));
    }

    [Fact]
    public async Task DisposeAsync_AfterStopAsync_DoesNotThrow()
    {
        var backend = new FakeIngestBackend();
        IngestListener listener = Start(backend);
        await listener.StopAsync(TestTimeouts.Default);

        Exception? thrown = await Record.ExceptionAsync(async () => await listener.DisposeAsync());

        Assert.Null(thrown);
    }
}
