using System;

namespace Pipeline.Protocol;

// The client frames of protocol version 3 (docs/protocol.md, "Version 3"). False means ERROR MALFORMED: the body ends
// early or runs over, a string is not UTF-8, or a start, filter or operation byte is outside the grammar; every other
// rule is the frame's TryValidate.
public static partial class ClientFrames
{
    /// <summary>
    /// SUBSCRIBE: subscription_id:u64, start:u8 (1..4), from:u64, credits:u32, filter:u8 (0..4), producer_id:u64,
    /// key:string, consumer:string.
    /// </summary>
    public static bool TryParseSubscribe(ReadOnlySpan<byte> body, out SubscribeFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong subscriptionId) && reader.TryReadByte(out byte start) && IsStart(start)
            && reader.TryReadUInt64(out ulong from) && reader.TryReadUInt32(out uint credits)
            && reader.TryReadByte(out byte filter) && IsFilter(filter) && reader.TryReadUInt64(out ulong producerId)
            && reader.TryReadString(out ReadOnlySpan<byte> key) && reader.TryReadString(out ReadOnlySpan<byte> consumer) && reader.IsAtEnd)
        {
            frame = new SubscribeFrame(subscriptionId, (SubscriptionStart)start, from, credits, (EventFilterKind)filter, producerId, key, consumer);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>CREDIT: subscription_id:u64, credits:u32.</summary>
    public static bool TryParseCredit(ReadOnlySpan<byte> body, out CreditFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong subscriptionId) && reader.TryReadUInt32(out uint credits) && reader.IsAtEnd)
        {
            frame = new CreditFrame(subscriptionId, credits);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>UNSUBSCRIBE: subscription_id:u64.</summary>
    public static bool TryParseUnsubscribe(ReadOnlySpan<byte> body, out UnsubscribeFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong subscriptionId) && reader.IsAtEnd)
        {
            frame = new UnsubscribeFrame(subscriptionId);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>
    /// FETCH: request_id:u64, from:u64, max_count:u32, max_bytes:u32, max_wait_ms:u32, filter:u8 (0..4),
    /// producer_id:u64, key:string.
    /// </summary>
    public static bool TryParseFetch(ReadOnlySpan<byte> body, out FetchFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong requestId) && reader.TryReadUInt64(out ulong from)
            && reader.TryReadUInt32(out uint maxCount) && reader.TryReadUInt32(out uint maxBytes) && reader.TryReadUInt32(out uint maxWaitMs)
            && reader.TryReadByte(out byte filter) && IsFilter(filter) && reader.TryReadUInt64(out ulong producerId)
            && reader.TryReadString(out ReadOnlySpan<byte> key) && reader.IsAtEnd)
        {
            frame = new FetchFrame(requestId, from, maxCount, maxBytes, maxWaitMs, (EventFilterKind)filter, producerId, key);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>COMMIT: request_id:u64, position:u64, consumer:string.</summary>
    public static bool TryParseCommit(ReadOnlySpan<byte> body, out CommitFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong requestId) && reader.TryReadUInt64(out ulong position)
            && reader.TryReadString(out ReadOnlySpan<byte> consumer) && reader.IsAtEnd)
        {
            frame = new CommitFrame(requestId, position, consumer);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>CONSUMER_ADMIN: request_id:u64, operation:u8 (1..2), position:u64, consumer:string.</summary>
    public static bool TryParseConsumerAdmin(ReadOnlySpan<byte> body, out ConsumerAdminFrame frame)
    {
        var reader = new BodyReader(body);
        if (reader.TryReadUInt64(out ulong requestId) && reader.TryReadByte(out byte operation)
            && operation is (byte)ConsumerOperation.Reset or (byte)ConsumerOperation.Delete
            && reader.TryReadUInt64(out ulong position) && reader.TryReadString(out ReadOnlySpan<byte> consumer) && reader.IsAtEnd)
        {
            frame = new ConsumerAdminFrame(requestId, (ConsumerOperation)operation, position, consumer);
            return true;
        }

        frame = default;
        return false;
    }

    private static bool IsStart(byte start) => start is >= (byte)SubscriptionStart.Beginning and <= (byte)SubscriptionStart.Checkpoint;

    private static bool IsFilter(byte filter) => filter <= (byte)EventFilterKind.Producer;
}
