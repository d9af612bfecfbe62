using System;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;
using static Pipeline.Ingest.Tests.IngestTestHost;

namespace Pipeline.Ingest.Tests;

/// <summary>Protocol version 2 on a connection: the HELLO negotiation and READ reaching the backend.</summary>
public sealed class IngestConnectionReadTests
{
    private static async Task<FrameConnection> HelloAsync(IngestListener listener, ushort version)
    {
        FrameConnection client = await FrameConnection.ConnectAsync(listener.Port);
        await client.SendAsync(FrameBytes.Hello(5, "reader", version));
        return client;
    }

    [Fact(Timeout = 30_000)]
    public async Task Hello_Version1_WelcomesVersion1AndReadIsUnknownKind()
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HelloAsync(listener, 1);

        (ushort version, _, _, _) = (await client.ReadRequiredFrameAsync()).AsWelcome();
        await client.SendAsync(FrameBytes.Read(1, ReadSelector.AllForward, 1, 10));
        (ErrorCode code, string message) = (await client.ReadRequiredFrameAsync()).AsError();

        Assert.Equal((ushort)1, version);
        Assert.Equal(ErrorCode.UnknownKind, code);
        Assert.Equal("unknown frame kind 0x05", message);
        Assert.Null(await client.ReadFrameAsync());
        Assert.Empty(backend.ReceivedReads());
    }

    [Fact(Timeout = 30_000)]
    public async Task Hello_Version2_WelcomesVersion2()
    {
        var backend = new FakeIngestBackend { HelloAnswer = (3, 4) };
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HelloAsync(listener, 2);

        ReceivedFrame welcome = await client.ReadRequiredFrameAsync();

        Assert.Equal(((ushort)2, 5UL, 3UL, 4UL), welcome.AsWelcome());
    }

    [Theory(Timeout = 30_000)]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(ushort.MaxValue)]
    public async Task Hello_UnsupportedVersion_ErrorNamesTheSupportedVersions(ushort version)
    {
        await using IngestListener listener = Start(new FakeIngestBackend());
        using FrameConnection client = await HelloAsync(listener, version);

        (ErrorCode code, string message) = (await client.ReadRequiredFrameAsync()).AsError();

        Assert.Equal(ErrorCode.UnsupportedVersion, code);
        Assert.Equal($"protocol version {version} is not supported; this server speaks 1 to 2", message);
        Assert.Null(await client.ReadFrameAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task Hello_Version2WithDefaultOptions_IsUnsupportedAsInVersion1()
    {
        await using IngestListener listener = Start(new FakeIngestBackend(), new IngestOptions { Port = 0, CloseTimeout = TestTimeouts.Default });
        using FrameConnection client = await HelloAsync(listener, 2);

        (ErrorCode code, string message) = (await client.ReadRequiredFrameAsync()).AsError();

        Assert.Equal(ErrorCode.UnsupportedVersion, code);
        Assert.Equal("protocol version 2 is not supported; this server speaks 1", message);
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_OnVersion2_ReachesTheBackendWithEveryFieldAndItsEndComesBack()
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HelloAsync(listener, 2);
        (await client.ReadRequiredFrameAsync()).AsWelcome();

        await client.SendAsync(FrameBytes.Concat(
            FrameBytes.Read(7, ReadSelector.Stream, 3, 100, 42, 0, "account-é"),
            FrameBytes.Read(8, ReadSelector.Producer, 9, 1, 0, 77)));
        var first = (await client.ReadRequiredFrameAsync()).AsReadEnd();
        var second = (await client.ReadRequiredFrameAsync()).AsReadEnd();

        Assert.Equal((7UL, ReadStatus.Ok, 3UL), (first.RequestId, first.Status, first.Next));
        Assert.Equal((8UL, ReadStatus.Ok, 9UL), (second.RequestId, second.Status, second.Next));
        Assert.Equal(
            [(7UL, ReadSelector.Stream, 3UL, 100U, 42UL, 0UL, "account-é"), (8UL, ReadSelector.Producer, 9UL, 1U, 0UL, 77UL, "")],
            backend.ReceivedReads());
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_InterleavedWithPublishes_EveryAckAndEveryEndArrives()
    {
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HelloAsync(listener, 2);
        (await client.ReadRequiredFrameAsync()).AsWelcome();

        await client.SendAsync(FrameBytes.Concat(Publishes(1, 3), FrameBytes.Read(1, ReadSelector.AllForward, 1, 1), Publishes(4, 2)));
        int acks = 0;
        int ends = 0;
        for (int i = 0; i < 6; i++)
        {
            ReceivedFrame frame = await client.ReadRequiredFrameAsync();
            acks += frame.Kind == FrameKind.Ack ? 1 : 0;
            ends += frame.Kind == FrameKind.ReadEnd ? 1 : 0;
        }

        Assert.Equal((5, 1), (acks, ends));
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_BackendWithoutReads_AnswersNotSupported()
    {
        await using IngestListener listener = Start(new MinimalBackend());
        using FrameConnection client = await HelloAsync(listener, 2);
        (await client.ReadRequiredFrameAsync()).AsWelcome();

        await client.SendAsync(FrameBytes.Read(9, ReadSelector.AllForward, 1, 10));
        var end = (await client.ReadRequiredFrameAsync()).AsReadEnd();

        Assert.Equal((9UL, ReadStatus.NotSupported, 0UL, 0U), (end.RequestId, end.Status, end.Next, end.EventCount));
        Assert.NotEmpty(end.Message);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("ends early")]
    [InlineData("runs over")]
    [InlineData("unknown selector")]
    [InlineData("key not UTF-8")]
    public async Task Read_Malformed_ErrorMalformedAndTheBackendSeesNothing(string what)
    {
        byte[] valid = FrameBytes.Read(1, ReadSelector.Stream, 1, 1, 0, 0, "s");
        byte[] body = valid[FrameHeader.Size..];
        byte[] bad = what switch
        {
            "ends early" => FrameBytes.Raw((uint)body.Length, (byte)FrameKind.Read, body.AsSpan(0, body.Length - 1)),
            "runs over" => FrameBytes.Raw((uint)body.Length + 2, (byte)FrameKind.Read, [.. body, 0]),
            "unknown selector" => FrameBytes.Raw((uint)body.Length + 1, (byte)FrameKind.Read, [.. body[..8], 9, .. body[9..]]),
            _ => FrameBytes.Raw((uint)body.Length + 1, (byte)FrameKind.Read, [.. body[..^1], 0xFF]),
        };
        var backend = new FakeIngestBackend();
        await using IngestListener listener = Start(backend);
        using FrameConnection client = await HelloAsync(listener, 2);
        (await client.ReadRequiredFrameAsync()).AsWelcome();

        await client.SendAsync(bad);
        (ErrorCode code, _) = (await client.ReadRequiredFrameAsync()).AsError();

        Assert.Equal(ErrorCode.Malformed, code);
        Assert.Empty(backend.ReceivedReads());
    }

    [Fact(Timeout = 30_000)]
    public async Task Read_MoreThanTheInFlightLimit_WaitsForAnEndBeforeTheNextReachesTheBackend()
    {
        var backend = new FakeIngestBackend { EndReads = false };
        await using IngestListener listener = Start(backend, new IngestOptions { Port = 0, CloseTimeout = TestTimeouts.Default, MaxReadsInFlightPerConnection = 2, MaxProtocolVersion = 2 });
        using FrameConnection client = await HelloAsync(listener, 2);
        (await client.ReadRequiredFrameAsync()).AsWelcome();

        await client.SendAsync(FrameBytes.Concat(
            FrameBytes.Read(1, ReadSelector.AllForward, 1, 1),
            FrameBytes.Read(2, ReadSelector.AllForward, 1, 1),
            FrameBytes.Read(3, ReadSelector.AllForward, 1, 1)));
        await backend.Reads.WaitForAsync(2);
        await client.SendAsync(FrameBytes.Ping(5));
        await Task.Delay(QuietPeriod);
        int whileFull = backend.ReceivedReads().Count;
        backend.LastReadConnection!.SendReadEnd(1, ReadStatus.Ok, 1, 0, 0, string.Empty);
        await backend.Reads.WaitForAsync(3);

        Assert.Equal(2, whileFull);
        Assert.Equal(1UL, (await client.ReadRequiredFrameAsync()).AsReadEnd().RequestId);
        Assert.Equal(5UL, (await client.ReadRequiredFrameAsync()).AsNonce());
    }
}
