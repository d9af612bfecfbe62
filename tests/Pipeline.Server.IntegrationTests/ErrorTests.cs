using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>The spec's error table: the ERROR frame, the close, and every earlier whole PUBLISH acknowledged first.</summary>
public sealed class ErrorTests : IClassFixture<SharedServerFixture>
{
    private readonly SharedServerFixture _fixture;

    public ErrorTests(SharedServerFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string, byte[], ErrorCode> BadFirstFrames => new()
    {
        { "length 0", Frames.Raw(0, 0x01, []), ErrorCode.BadFrame },
        { "length above the maximum", Frames.Raw(SharedServerFixture.MaxFrameLength + 1, 0x02, []), ErrorCode.BadFrame },
        { "unknown kind", Frames.Raw(1, 0x7E, []), ErrorCode.UnknownKind },
        { "server kind sent by a client", Frames.Raw(1, 0x81, []), ErrorCode.UnknownKind },
        { "HELLO body ends early", Frames.Raw(5, 0x01, [1, 0, 0, 0]), ErrorCode.Malformed },
        { "HELLO name not UTF-8", Frames.Raw(14, 0x01, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0xFF]), ErrorCode.Malformed },
        { "HELLO runs over", Frames.Concat(Frames.Raw(15, 0x01, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9])), ErrorCode.Malformed },
        { "unsupported version", Frames.Hello(0, version: 5), ErrorCode.UnsupportedVersion },
        { "PUBLISH before HELLO", Frames.Publish(1, "ledger.open", "{}"), ErrorCode.HelloRequired },
        { "PING before HELLO", Frames.Ping(1), ErrorCode.HelloRequired },
    };

    [Theory]
    [MemberData(nameof(BadFirstFrames))]
    public async Task FirstFrame_Bad_ServerSendsErrorAndCloses(string what, byte[] frame, ErrorCode expected)
    {
        using RawConnection connection = await RawConnection.ConnectAsync(_fixture.Port);

        await connection.SendAsync(frame);
        Frame? error = await connection.ReadFrameAsync();
        Frame? afterwards = await connection.ReadFrameAsync();

        Assert.True(error is not null, what);
        Assert.Equal(expected, error.Error().Code);
        Assert.Null(afterwards);
    }

    public static TheoryData<string, byte[], ErrorCode> BadLaterFrames => new()
    {
        { "second HELLO", Frames.Hello(0), ErrorCode.HelloRequired },
        { "PUBLISH body ends early", Frames.Raw(9, 0x02, [1, 0, 0, 0, 0, 0, 0, 0]), ErrorCode.Malformed },
        { "PUBLISH payload runs past the frame", Frames.Raw(1 + 8 + 2 + 1 + 2 + 4, 0x02, [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, (byte)'x', 1, 0, 50, 0, 0, 0]), ErrorCode.Malformed },
        { "PUBLISH with bytes after the payload", Frames.Raw(1 + 8 + 2 + 1 + 2 + 4 + 2, 0x02, [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, (byte)'x', 1, 0, 1, 0, 0, 0, (byte)'{', (byte)'}']), ErrorCode.Malformed },
        { "PUBLISH type not UTF-8", Frames.Raw(1 + 8 + 2 + 1 + 2 + 4, 0x02, [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0xC3, 1, 0, 0, 0, 0, 0]), ErrorCode.Malformed },
        { "QUERY ends early", Frames.Raw(3, 0x03, [1, 2]), ErrorCode.Malformed },
        { "PING runs over", Frames.Raw(10, 0x04, [1, 2, 3, 4, 5, 6, 7, 8, 9]), ErrorCode.Malformed },
        { "unknown kind", Frames.Raw(1, 0x05, []), ErrorCode.UnknownKind },
        { "length 0", Frames.Raw(0, 0x02, []), ErrorCode.BadFrame },
    };

    [Theory]
    [MemberData(nameof(BadLaterFrames))]
    public async Task BadFrame_AfterWholePublishes_EveryEarlierPublishIsAcknowledgedBeforeTheError(string what, byte[] bad, ErrorCode expected)
    {
        (RawConnection connection, _) = await RawConnection.HandshakeAsync(_fixture.Port);
        using RawConnection lease = connection;
        string account = "err-" + Guid.NewGuid().ToString("N")[..10];
        var publishes = new List<byte[]> { Frames.Publish(1, "ledger.open", $"{{\"account\": \"{account}\"}}") };
        for (ulong i = 2; i <= 5; i++)
        {
            publishes.Add(Frames.Publish(i, "ledger.deposit", $"{{\"account\": \"{account}\", \"amount\": 3}}"));
        }

        // The good frames and the bad one arrive in one write, so the server sees them together.
        await connection.SendAsync(Frames.Concat([.. publishes, bad]));
        var frames = new List<Frame>();
        while (await connection.ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        Assert.True(frames.Count == 6, $"{what}: expected 5 ACKs and an ERROR, got {string.Join(", ", frames.Select(f => f.Kind))}");
        Assert.All(frames.Take(5), f => Assert.Equal(AckStatus.Ok, f.Ack().Status));
        Assert.Equal(new ulong[] { 1, 2, 3, 4, 5 }, frames.Take(5).Select(f => f.Ack().ProducerSequence));
        Assert.Equal(expected, frames[5].Error().Code);
    }

    [Fact]
    public async Task BadFrame_FollowedByMoreDataTheServerNeverReads_AcksAndErrorStillArrive()
    {
        (RawConnection connection, _) = await RawConnection.HandshakeAsync(_fixture.Port);
        using RawConnection lease = connection;
        string account = "rst-" + Guid.NewGuid().ToString("N")[..10];
        var frames = new List<byte[]> { Frames.Publish(1, "ledger.open", $"{{\"account\": \"{account}\"}}") };
        frames.Add(Frames.Raw(1, 0x66, [])); // unknown kind
        for (ulong i = 2; i < 4000; i++)
        {
            frames.Add(Frames.Publish(i, "ledger.deposit", $"{{\"account\": \"{account}\", \"amount\": 1}}"));
        }

        // The server stops reading at the bad frame; closing with this unread input must not reset the connection
        // before the client has read its ACK and the ERROR (the server closes with a lingering close).
        await connection.SendAsync(Frames.Concat([.. frames]));
        Frame? ack = await connection.ReadFrameAsync();
        Frame? error = await connection.ReadFrameAsync();

        Assert.Equal(AckStatus.Ok, ack!.Ack().Status);
        Assert.Equal(ErrorCode.UnknownKind, error!.Error().Code);
    }

    [Fact]
    public async Task Garbage_SeededFuzzOnManyConnections_ServerSurvivesAndOthersAreUnaffected()
    {
        var random = new Random(20261126);
        await using PipelineClient healthy = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = _fixture.Port }).WaitAsync(TestTimeouts.Default);
        string account = "fuzz-" + Guid.NewGuid().ToString("N")[..10];
        await healthy.PublishAsync("ledger.open", Encoding.UTF8.GetBytes($"{{\"account\": \"{account}\"}}")).WaitAsync(TestTimeouts.Default);
        byte[] deposit = Encoding.UTF8.GetBytes($"{{\"account\": \"{account}\", \"amount\": 1}}");
        Task<Ack[]> steady = Task.WhenAll(Enumerable.Range(0, 2000).Select(_ => healthy.PublishAsync("ledger.deposit", deposit)));

        for (int round = 0; round < 40; round++)
        {
            using RawConnection fuzz = await RawConnection.ConnectAsync(_fixture.Port);
            var bytes = new List<byte>();
            if (round % 2 == 0)
            {
                bytes.AddRange(Frames.Hello(0)); // half the rounds get past HELLO, so later parsers are fuzzed too
            }

            byte[] garbage = new byte[random.Next(1, 2048)];
            random.NextBytes(garbage);
            if (round % 3 == 0)
            {
                // A plausible frame header in front of random bytes reaches the body parsers.
                BitConverter.TryWriteBytes(garbage.AsSpan(0, Math.Min(4, garbage.Length)), (uint)Math.Max(1, garbage.Length - 4));
                if (garbage.Length > 4)
                {
                    garbage[4] = (byte)random.Next(1, 5);
                }
            }

            bytes.AddRange(garbage);
            await fuzz.SendAsync([.. bytes]);
            // Whatever it answers, it must answer within the bound or close; a hang would time out here.
            for (int i = 0; i < 3 && await fuzz.ReadFrameAsync(TimeSpan.FromMilliseconds(500)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null) is { }; i++)
            {
            }
        }

        Ack[] acks = await steady.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(acks, ack => Assert.Equal(AckStatus.Ok, ack.Status));
        await healthy.PingAsync().WaitAsync(TestTimeouts.Default);
        Assert.False(_fixture.Server.HasExited);
    }
}
