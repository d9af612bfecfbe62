using System;
using System.Buffers.Binary;

namespace Pipeline.Protocol;

/// <summary>What a look at the start of a receive buffer found.</summary>
public enum FrameStatus
{
    /// <summary>A whole frame is there.</summary>
    Complete,

    /// <summary>More bytes are needed.</summary>
    NeedMore,

    /// <summary>The length is 0 or above the maximum: BAD_FRAME.</summary>
    BadLength,
}

/// <summary>Framing: <c>length:u32 kind:u8 body</c>, length = 1 + len(body), little-endian.</summary>
public static class FrameHeader
{
    /// <summary>Bytes before the body: the length and the kind.</summary>
    public const int Size = 5;

    /// <summary>Protocol version 1, the base protocol (shared/spec/protocol.md); a client's default.</summary>
    public const ushort ProtocolVersion = 1;

    /// <summary>
    /// The highest protocol version this code speaks: 2 adds READ, EVENTS and READ_END; 3 adds subscriptions, FETCH and
    /// durable consumers; 4 adds explained rejections (docs/protocol.md).
    /// </summary>
    public const ushort MaxProtocolVersion = 4;

    /// <summary>The first protocol version with READ, EVENTS and READ_END.</summary>
    public const ushort ReadProtocolVersion = 2;

    /// <summary>
    /// The first protocol version whose REJECTED ACKs may carry an explanation after the reason code and one space
    /// (<c>malformed_payload $.amount: expected integer, got string</c>); no new frame kind.
    /// </summary>
    public const ushort ExplainedRejectionProtocolVersion = 4;

    /// <summary>The first protocol version with SUBSCRIBE, CREDIT, UNSUBSCRIBE, FETCH, COMMIT, CONSUMER_ADMIN and their answers.</summary>
    public const ushort ConsumerProtocolVersion = 3;

    /// <summary>The protocol version that introduced <paramref name="kind"/> (1, 2 or 3); 0 for a kind no version has.</summary>
    public static ushort ProtocolVersionOf(byte kind) => kind switch
    {
        >= (byte)FrameKind.Hello and <= (byte)FrameKind.Ping => ProtocolVersion,
        >= (byte)FrameKind.Welcome and <= (byte)FrameKind.Pong => ProtocolVersion,
        (byte)FrameKind.Error => ProtocolVersion,
        (byte)FrameKind.Read or (byte)FrameKind.Events or (byte)FrameKind.ReadEnd => ReadProtocolVersion,
        >= (byte)FrameKind.Subscribe and <= (byte)FrameKind.ConsumerAdmin => ConsumerProtocolVersion,
        >= (byte)FrameKind.Subscribed and <= (byte)FrameKind.ConsumerResult => ConsumerProtocolVersion,
        _ => 0,
    };

    /// <summary>
    /// Whether a server knows <paramref name="kind"/> from a client on a connection of <paramref name="protocolVersion"/>:
    /// a client kind (below 0x80) of that version or an earlier one. Server kinds are unknown to a server.
    /// </summary>
    public static bool IsClientKind(byte kind, ushort protocolVersion)
    {
        ushort since = ProtocolVersionOf(kind);
        return kind < 0x80 && since != 0 && since <= protocolVersion;
    }

    /// <summary>Finds the frame at the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Received bytes.</param>
    /// <param name="maxFrameLength">The largest allowed length field.</param>
    /// <param name="kind">The frame kind (when complete).</param>
    /// <param name="body">The body (when complete).</param>
    /// <param name="frameBytes">Length of the whole frame including the 4-byte length (when complete).</param>
    public static FrameStatus TryRead(ReadOnlySpan<byte> buffer, int maxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes)
    {
        kind = 0;
        body = default;
        frameBytes = 0;
        if (buffer.Length < sizeof(uint))
        {
            return FrameStatus.NeedMore;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (length == 0 || length > (uint)maxFrameLength)
        {
            return FrameStatus.BadLength;
        }

        if (buffer.Length - sizeof(uint) < length)
        {
            return FrameStatus.NeedMore;
        }

        kind = buffer[sizeof(uint)];
        body = buffer.Slice(Size, (int)length - 1);
        frameBytes = sizeof(uint) + (int)length;
        return FrameStatus.Complete;
    }
}
