using System;

namespace Pipeline.Protocol;

// The server frames of protocol version 3 (docs/protocol.md, "Version 3"), for clients. As for READ_END, a status
// byte is not checked against its enum: a newer server's status reaches the caller as a number.
public static partial class ServerFrames
{
    /// <summary>SUBSCRIBED: subscription_id:u64, start:u64, head_position:u64.</summary>
    public static bool TryParseSubscribed(ReadOnlySpan<byte> body, out SubscribedFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong subscriptionId) && reader.TryReadUInt64(out ulong start)
            && reader.TryReadUInt64(out ulong head) && reader.IsAtEnd)
        {
            frame = new SubscribedFrame(subscriptionId, start, head);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>
    /// PUSH: subscription_id:u64, count:u32 (at least 1), then count whole event records (as EVENTS) and nothing after
    /// them. Every record is checked here, so reading them from <paramref name="frame"/> cannot fail.
    /// </summary>
    public static bool TryParsePush(ReadOnlySpan<byte> body, out PushFrame frame)
    {
        if (TryParseRecords(body, out ulong subscriptionId, out uint count, out ReadOnlySpan<byte> records))
        {
            frame = new PushFrame(new EventsFrame(subscriptionId, count, records));
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>CAUGHT_UP: subscription_id:u64, position:u64.</summary>
    public static bool TryParseCaughtUp(ReadOnlySpan<byte> body, out CaughtUpFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong subscriptionId) && reader.TryReadUInt64(out ulong position) && reader.IsAtEnd)
        {
            frame = new CaughtUpFrame(subscriptionId, position);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>HEARTBEAT: subscription_id:u64, checked:u64, head_position:u64.</summary>
    public static bool TryParseHeartbeat(ReadOnlySpan<byte> body, out HeartbeatFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong subscriptionId) && reader.TryReadUInt64(out ulong checkedPosition)
            && reader.TryReadUInt64(out ulong head) && reader.IsAtEnd)
        {
            frame = new HeartbeatFrame(subscriptionId, checkedPosition, head);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>SUB_END: subscription_id:u64, status:u8, next:u64, message:string.</summary>
    public static bool TryParseSubEnd(ReadOnlySpan<byte> body, out SubEndFrame frame)
    {
        bool ok = TryParseIdStatusPositionMessage(body, out ulong subscriptionId, out byte status, out ulong next, out ReadOnlySpan<byte> message);
        frame = ok ? new SubEndFrame(subscriptionId, (SubscriptionEndStatus)status, next, message) : default;
        return ok;
    }

    /// <summary>CONSUMER_RESULT: request_id:u64, status:u8, position:u64, message:string.</summary>
    public static bool TryParseConsumerResult(ReadOnlySpan<byte> body, out ConsumerResultFrame frame)
    {
        bool ok = TryParseIdStatusPositionMessage(body, out ulong requestId, out byte status, out ulong position, out ReadOnlySpan<byte> message);
        frame = ok ? new ConsumerResultFrame(requestId, (ConsumerResultStatus)status, position, message) : default;
        return ok;
    }

    // The layout SUB_END and CONSUMER_RESULT share (FrameWriter writes both with WriteIdStatusPositionMessage).
    private static bool TryParseIdStatusPositionMessage(ReadOnlySpan<byte> body, out ulong id, out byte status, out ulong position, out ReadOnlySpan<byte> message)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out id) && reader.TryReadByte(out status) && reader.TryReadUInt64(out position)
            && reader.TryReadString(out message) && reader.IsAtEnd)
        {
            return true;
        }

        (id, status, position) = (0, 0, 0);
        message = default;
        return false;
    }
}
