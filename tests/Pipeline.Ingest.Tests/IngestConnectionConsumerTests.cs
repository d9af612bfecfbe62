using System;
using System.Threading.Tasks;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Ingest.Tests;

/// <summary>The connection's side of protocol version 3: which kinds it knows on which version, and malformed bodies.</summary>
public sealed class IngestConnectionConsumerTests
{
    public static TheoryData<string, byte[], ErrorCode, string> BadFrames => new()
    {
        { "start 5", Patch(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1), 8, 5), ErrorCode.Malformed, "malformed SUBSCRIBE" },
        { "filter 5", Patch(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1), 21, 5), ErrorCode.Malformed, "malformed SUBSCRIBE" },
        { "SUBSCRIBE ends early", FrameBytes.Raw(10, 0x06, new byte[9]), ErrorCode.Malformed, "malformed SUBSCRIBE" },
        { "CREDIT runs over", FrameBytes.Raw(14, 0x07, new byte[13]), ErrorCode.Malformed, "malformed CREDIT" },
        { "UNSUBSCRIBE ends early", FrameBytes.Raw(5, 0x08, new byte[4]), ErrorCode.Malformed, "malformed UNSUBSCRIBE" },
        { "FETCH filter 9", Patch(FrameBytes.Fetch(1, 1, 1), 28, 9), ErrorCode.Malformed, "malformed FETCH" },
        { "COMMIT consumer not closed", FrameBytes.Raw(19, 0x0A, [.. new byte[16], 5, 0]), ErrorCode.Malformed, "malformed COMMIT" },
        { "CONSUMER_ADMIN operation 3", Patch(FrameBytes.ConsumerAdmin(1, ConsumerOperation.Reset, 0, "c"), 8, 3), ErrorCode.Malformed, "malformed CONSUMER_ADMIN" },
        { "SUBSCRIBED from a client", FrameBytes.Raw(25, 0x87, new byte[24]), ErrorCode.UnknownKind, "unknown frame kind 0x87" },
        { "CONSUMER_RESULT from a client", FrameBytes.Raw(1, 0x8C, []), ErrorCode.UnknownKind, "unknown frame kind 0x8C" },
        { "kind 0x0C", FrameBytes.Raw(1, 0x0C, []), ErrorCode.UnknownKind, "unknown frame kind 0x0C" },
    };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(BadFrames))]
    public async Task VersionThreeConnection_BadFrame_ErrorAndClose(string what, byte[] frame, ErrorCode code, string message)
    {
        await using var store = new SubscriptionTestStore();
        using FrameConnection client = await store.ConnectAsync();

        await client.SendAsync(frame);
        (ErrorCode Code, string Message) error = (await client.ReadRequiredFrameAsync()).AsError();

        Assert.True((code, message) == error, $"{what}: {error}");
        Assert.Null(await client.ReadFrameAsync());
    }

    [Theory(Timeout = 30_000)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task OlderConnection_VersionThreeKind_UnknownKind(ushort version)
    {
        await using var store = new SubscriptionTestStore();
        using FrameConnection client = await FrameConnection.ConnectAsync(store.Listener.Port);
        await client.SendAsync(FrameBytes.Hello(0, "old", version));
        (await client.ReadRequiredFrameAsync()).AsWelcome();

        await client.SendAsync(FrameBytes.Fetch(1, 1, 1));
        (ErrorCode code, string message) = (await client.ReadRequiredFrameAsync()).AsError();

        Assert.Equal((ErrorCode.UnknownKind, "unknown frame kind 0x09"), (code, message));
    }

    [Fact(Timeout = 30_000)]
    public async Task BeforeHello_Subscribe_UnknownKind()
    {
        await using var store = new SubscriptionTestStore();
        using FrameConnection client = await FrameConnection.ConnectAsync(store.Listener.Port);

        await client.SendAsync(FrameBytes.Subscribe(1, SubscriptionStart.Beginning, 1));
        (ErrorCode code, _) = (await client.ReadRequiredFrameAsync()).AsError();

        Assert.Equal(ErrorCode.UnknownKind, code);
    }

    // The frame with the body byte at offset `at` replaced.
    private static byte[] Patch(byte[] frame, int at, byte value)
    {
        byte[] copy = (byte[])frame.Clone();
        copy[FrameHeader.Size + at] = value;
        return copy;
    }
}
