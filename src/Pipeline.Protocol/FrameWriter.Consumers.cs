using System;
using System.Buffers;
using System.Buffers.Binary;

namespace Pipeline.Protocol;

// The frames of protocol version 3 (docs/protocol.md, "Version 3"). Keys and consumer names are UTF-8 bytes, as READ's
// key; the writers do not check the rules a server answers BAD_REQUEST to, so that tests can send broken frames.
public static partial class FrameWriter
{
    /// <summary>The bytes before the first record of a PUSH frame: length, kind, subscription_id:u64, count:u32 (as EVENTS).</summary>
    public const int PushPrefixBytes = EventsPrefixBytes;

    /// <summary>SUBSCRIBE (version 3).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The key or the consumer is longer than 65535 bytes.</exception>
    public static void WriteSubscribe(IBufferWriter<byte> writer, ulong subscriptionId, SubscriptionStart start, ulong from, uint credits, EventFilterKind filter, ulong producerId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> consumer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxStringBytes, nameof(key));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(consumer.Length, MaxStringBytes, nameof(consumer));
        Span<byte> span = Begin(writer, FrameKind.Subscribe, ConsumerLimits.SubscribeFixedBodyBytes + key.Length + consumer.Length, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, subscriptionId);
        span[8] = (byte)start;
        BinaryPrimitives.WriteUInt64LittleEndian(span[9..], from);
        BinaryPrimitives.WriteUInt32LittleEndian(span[17..], credits);
        span[21] = (byte)filter;
        BinaryPrimitives.WriteUInt64LittleEndian(span[22..], producerId);
        int at = 30 + WriteBytes(span[30..], key);
        WriteBytes(span[at..], consumer);
        writer.Advance(total);
    }

    /// <summary>SUBSCRIBE (version 3) with a filter value.</summary>
    public static void WriteSubscribe(IBufferWriter<byte> writer, ulong subscriptionId, SubscriptionStart start, ulong from, uint credits, in EventFilter filter, ReadOnlySpan<byte> consumer) =>
        WriteSubscribe(writer, subscriptionId, start, from, credits, filter.Kind, filter.ProducerId, filter.Key, consumer);

    /// <summary>CREDIT (version 3).</summary>
    public static void WriteCredit(IBufferWriter<byte> writer, ulong subscriptionId, uint credits)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = Begin(writer, FrameKind.Credit, 8 + 4, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, subscriptionId);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], credits);
        writer.Advance(total);
    }

    /// <summary>UNSUBSCRIBE (version 3).</summary>
    public static void WriteUnsubscribe(IBufferWriter<byte> writer, ulong subscriptionId) => WriteNonce(writer, FrameKind.Unsubscribe, subscriptionId);

    /// <summary>FETCH (version 3).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The key is longer than 65535 bytes.</exception>
    public static void WriteFetch(IBufferWriter<byte> writer, ulong requestId, ulong from, uint maxCount, uint maxBytes, uint maxWaitMs, EventFilterKind filter, ulong producerId, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxStringBytes, nameof(key));
        Span<byte> span = Begin(writer, FrameKind.Fetch, ConsumerLimits.FetchFixedBodyBytes + key.Length, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, requestId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], from);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], maxCount);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], maxBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], maxWaitMs);
        span[28] = (byte)filter;
        BinaryPrimitives.WriteUInt64LittleEndian(span[29..], producerId);
        WriteBytes(span[37..], key);
        writer.Advance(total);
    }

    /// <summary>FETCH (version 3) with a filter value.</summary>
    public static void WriteFetch(IBufferWriter<byte> writer, ulong requestId, ulong from, uint maxCount, uint maxBytes, uint maxWaitMs, in EventFilter filter) =>
        WriteFetch(writer, requestId, from, maxCount, maxBytes, maxWaitMs, filter.Kind, filter.ProducerId, filter.Key);

    /// <summary>COMMIT (version 3).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The consumer is longer than 65535 bytes.</exception>
    public static void WriteCommit(IBufferWriter<byte> writer, ulong requestId, ulong position, ReadOnlySpan<byte> consumer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(consumer.Length, MaxStringBytes, nameof(consumer));
        Span<byte> span = Begin(writer, FrameKind.Commit, ConsumerLimits.CommitFixedBodyBytes + consumer.Length, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, requestId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], position);
        WriteBytes(span[16..], consumer);
        writer.Advance(total);
    }

    /// <summary>CONSUMER_ADMIN (version 3).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The consumer is longer than 65535 bytes.</exception>
    public static void WriteConsumerAdmin(IBufferWriter<byte> writer, ulong requestId, ConsumerOperation operation, ulong position, ReadOnlySpan<byte> consumer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(consumer.Length, MaxStringBytes, nameof(consumer));
        Span<byte> span = Begin(writer, FrameKind.ConsumerAdmin, ConsumerLimits.ConsumerAdminFixedBodyBytes + consumer.Length, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, requestId);
        span[8] = (byte)operation;
        BinaryPrimitives.WriteUInt64LittleEndian(span[9..], position);
        WriteBytes(span[17..], consumer);
        writer.Advance(total);
    }

    /// <summary>SUBSCRIBED (version 3): the subscription is open; <paramref name="start"/> is the first position it considers.</summary>
    public static void WriteSubscribed(IBufferWriter<byte> writer, ulong subscriptionId, ulong start, ulong headPosition) =>
        WriteThreeLongs(writer, FrameKind.Subscribed, subscriptionId, start, headPosition);

    /// <summary>CAUGHT_UP (version 3): every event up to <paramref name="position"/> was considered.</summary>
    public static void WriteCaughtUp(IBufferWriter<byte> writer, ulong subscriptionId, ulong position)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = Begin(writer, FrameKind.CaughtUp, 8 + 8, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, subscriptionId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], position);
        writer.Advance(total);
    }

    /// <summary>HEARTBEAT (version 3): every event up to <paramref name="checkedPosition"/> was considered.</summary>
    public static void WriteHeartbeat(IBufferWriter<byte> writer, ulong subscriptionId, ulong checkedPosition, ulong headPosition) =>
        WriteThreeLongs(writer, FrameKind.Heartbeat, subscriptionId, checkedPosition, headPosition);

    /// <summary>SUB_END (version 3): the end or refusal of a subscription.</summary>
    public static void WriteSubEnd(IBufferWriter<byte> writer, ulong subscriptionId, SubscriptionEndStatus status, ulong next, ReadOnlySpan<char> message) =>
        WriteIdStatusPositionMessage(writer, FrameKind.SubEnd, subscriptionId, (byte)status, next, message);

    /// <summary>CONSUMER_RESULT (version 3): the answer to COMMIT or CONSUMER_ADMIN.</summary>
    public static void WriteConsumerResult(IBufferWriter<byte> writer, ulong requestId, ConsumerResultStatus status, ulong position, ReadOnlySpan<char> message) =>
        WriteIdStatusPositionMessage(writer, FrameKind.ConsumerResult, requestId, (byte)status, position, message);

    /// <summary>
    /// Writes the prefix of a PUSH frame whose records (<paramref name="recordBytes"/> of them, already written after
    /// the prefix, as <see cref="WriteEventRecord"/> writes them) number <paramref name="count"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="PushPrefixBytes"/>.</exception>
    public static void WritePushPrefix(Span<byte> destination, ulong subscriptionId, uint count, int recordBytes) =>
        WriteRecordsPrefix(destination, FrameKind.Push, subscriptionId, count, recordBytes);

    private static void WriteThreeLongs(IBufferWriter<byte> writer, FrameKind kind, ulong first, ulong second, ulong third)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = Begin(writer, kind, 8 + 8 + 8, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, first);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], second);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], third);
        writer.Advance(total);
    }

    // SUB_END and CONSUMER_RESULT share one layout: an id, a status byte, a position, a message.
    private static void WriteIdStatusPositionMessage(IBufferWriter<byte> writer, FrameKind kind, ulong id, byte status, ulong position, ReadOnlySpan<char> message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int messageBytes = Utf8Length(message);
        Span<byte> span = Begin(writer, kind, 8 + 1 + 8 + 2 + messageBytes, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, id);
        span[8] = status;
        BinaryPrimitives.WriteUInt64LittleEndian(span[9..], position);
        WriteString(span[17..], message, messageBytes);
        writer.Advance(total);
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)bytes.Length);
        bytes.CopyTo(destination[2..]);
        return 2 + bytes.Length;
    }
}
