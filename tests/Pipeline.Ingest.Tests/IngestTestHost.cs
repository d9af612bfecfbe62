using System;
using System.Linq;
using System.Threading.Tasks;
using Pipeline.Ingest;
using Pipeline.Protocol;
using Pipeline.Testing;

namespace Pipeline.Ingest.Tests;

/// <summary>Starting listeners on a free port, and frames the tests send in bulk.</summary>
internal static class IngestTestHost
{
    /// <summary>Long enough for a running connection to hand over its next frame if it were going to.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(250);

    public static IngestListener Start(IIngestBackend backend, IngestOptions? options = null)
    {
        var listener = new IngestListener(options ?? Options(), backend);
        listener.Start();
        return listener;
    }

    /// <summary>Options on port 0 with a close timeout within the test bound.</summary>
    public static IngestOptions Options(int maxInFlight = 8192, int outputHighWatermarkBytes = 4 * 1024 * 1024, int maxConnections = 64, int maxFrameLength = 1024 * 1024, ushort maxProtocolVersion = FrameHeader.ReadProtocolVersion) => new()
    {
        Port = 0,
        MaxInFlightPerConnection = maxInFlight,
        OutputHighWatermarkBytes = outputHighWatermarkBytes,
        MaxConnections = maxConnections,
        MaxFrameLength = maxFrameLength,
        CloseTimeout = TestTimeouts.Default,
        MaxProtocolVersion = maxProtocolVersion, // 2 by default: the tests of versions 1 and 2 see what a version 2 server says
    };

    /// <summary>Connects, sends HELLO and reads the WELCOME.</summary>
    public static async Task<FrameConnection> HandshakeAsync(IngestListener listener, ulong producerId = 0, int? receiveBufferBytes = null)
    {
        FrameConnection client = await FrameConnection.ConnectAsync(listener.Port, receiveBufferBytes);
        await client.SendAsync(FrameBytes.Hello(producerId));
        (await client.ReadRequiredFrameAsync()).AsWelcome();
        return client;
    }

    /// <summary>The payload of producer_seq <paramref name="producerSequence"/>: a function of it alone.</summary>
    public static byte[] Payload(ulong producerSequence) => [.. BitConverter.GetBytes(producerSequence), (byte)(producerSequence * 7), (byte)'!'];

    /// <summary>PUBLISH frames for producer_seq <paramref name="from"/> .. <paramref name="from"/> + count - 1, concatenated.</summary>
    public static byte[] Publishes(ulong from, int count) =>
        FrameBytes.Concat([.. Enumerable.Range(0, count).Select(i => FrameBytes.Publish(from + (ulong)i, "test.event", Payload(from + (ulong)i)))]);
}
