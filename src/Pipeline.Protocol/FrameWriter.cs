using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Protocol;

/// <summary>Encodes frames into a buffer writer, without allocating.</summary>
/// <remarks>Strings longer than 65535 UTF-8 bytes are cut at a character boundary (the format's limit).</remarks>
public static partial class FrameWriter
{
    /// <summary>The longest string the format carries, in bytes.</summary>
    public const int MaxStringBytes = ushort.MaxValue;

    /// <summary>HELLO.</summary>
    public static void WriteHello(IBufferWriter<byte> writer, ushort version, ulong producerId, ReadOnlySpan<char> clientName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int nameBytes = Utf8Length(clientName);
        Span<byte> span = Begin(writer, FrameKind.Hello, 2 + 8 + 2 + nameBytes, out int total);
        BinaryPrimitives.WriteUInt16LittleEndian(span, version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[2..], producerId);
        WriteString(span[10..], clientName, nameBytes);
        writer.Advance(total);
    }

    /// <summary>PUBLISH.</summary>
    public static void WritePublish(IBufferWriter<byte> writer, ulong producerSequence, ReadOnlySpan<byte> type, ushort schemaVersion, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(type.Length, MaxStringBytes, nameof(type));
        Span<byte> span = Begin(writer, FrameKind.Publish, 8 + 2 + type.Length + 2 + 4 + payload.Length, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, producerSequence);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)type.Length);
        type.CopyTo(span[10..]);
        int at = 10 + type.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], schemaVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 2)..], (uint)payload.Length);
        payload.CopyTo(span[(at + 6)..]);
        writer.Advance(total);
    }

    /// <summary>QUERY.</summary>
    public static void WriteQuery(IBufferWriter<byte> writer, ulong requestId, ReadOnlySpan<char> name, ulong minSequence, ReadOnlySpan<char> args)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int nameBytes = Utf8Length(name);
        int argsBytes = Utf8Length(args);
        Span<byte> span = Begin(writer, FrameKind.Query, 8 + 2 + nameBytes + 8 + 2 + argsBytes, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, requestId);
        int at = 8 + WriteString(span[8..], name, nameBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], minSequence);
        WriteString(span[(at + 8)..], args, argsBytes);
        writer.Advance(total);
    }

    /// <summary>PING.</summary>
    public static void WritePing(IBufferWriter<byte> writer, ulong nonce) => WriteNonce(writer, FrameKind.Ping, nonce);

    /// <summary>PONG.</summary>
    public static void WritePong(IBufferWriter<byte> writer, ulong nonce) => WriteNonce(writer, FrameKind.Pong, nonce);

    /// <summary>WELCOME.</summary>
    public static void WriteWelcome(IBufferWriter<byte> writer, ushort version, ulong producerId, ulong lastProducerSequence, ulong headSequence)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = Begin(writer, FrameKind.Welcome, 2 + 8 + 8 + 8, out int total);
        BinaryPrimitives.WriteUInt16LittleEndian(span, version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[2..], producerId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[10..], lastProducerSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(span[18..], headSequence);
        writer.Advance(total);
    }

    /// <summary>ACK.</summary>
    public static void WriteAck(IBufferWriter<byte> writer, ulong producerSequence, ulong sequence, AckStatus status, ReadOnlySpan<char> detail)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int detailBytes = Utf8Length(detail);
        Span<byte> span = Begin(writer, FrameKind.Ack, 8 + 8 + 1 + 2 + detailBytes, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, producerSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], sequence);
        span[16] = (byte)status;
        WriteString(span[17..], detail, detailBytes);
        writer.Advance(total);
    }

    /// <summary>RESULT.</summary>
    public static void WriteResult(IBufferWriter<byte> writer, ulong requestId, ulong sequence, ResultStatus status, ReadOnlySpan<char> body)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int bodyBytes = Utf8Length(body);
        Span<byte> span = Begin(writer, FrameKind.Result, 8 + 8 + 1 + 2 + bodyBytes, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, requestId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], sequence);
        span[16] = (byte)status;
        WriteString(span[17..], body, bodyBytes);
        writer.Advance(total);
    }

    /// <summary>READ (version 2); the key is UTF-8 bytes (the stream id or type, empty for the other selectors).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The key is longer than 65535 bytes.</exception>
    public static void WriteRead(IBufferWriter<byte> writer, ulong requestId, ReadSelector selector, ulong from, uint maxCount, ulong minSequence, ulong producerId, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxStringBytes, nameof(key));
        Span<byte> span = Begin(writer, FrameKind.Read, ReadLimits.FixedBodyBytes + key.Length, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, requestId);
        span[8] = (byte)selector;
        BinaryPrimitives.WriteUInt64LittleEndian(span[9..], from);
        BinaryPrimitives.WriteUInt32LittleEndian(span[17..], maxCount);
        BinaryPrimitives.WriteUInt64LittleEndian(span[21..], minSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(span[29..], producerId);
        BinaryPrimitives.WriteUInt16LittleEndian(span[37..], (ushort)key.Length);
        key.CopyTo(span[39..]);
        writer.Advance(total);
    }

    /// <summary>READ_END (version 2): the last frame of a READ's answer.</summary>
    public static void WriteReadEnd(IBufferWriter<byte> writer, ulong requestId, ReadStatus status, ulong next, ulong headPosition, uint eventCount, ReadOnlySpan<char> message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int messageBytes = Utf8Length(message);
        Span<byte> span = Begin(writer, FrameKind.ReadEnd, 8 + 1 + 8 + 8 + 4 + 2 + messageBytes, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, requestId);
        span[8] = (byte)status;
        BinaryPrimitives.WriteUInt64LittleEndian(span[9..], next);
        BinaryPrimitives.WriteUInt64LittleEndian(span[17..], headPosition);
        BinaryPrimitives.WriteUInt32LittleEndian(span[25..], eventCount);
        WriteString(span[29..], message, messageBytes);
        writer.Advance(total);
    }

    /// <summary>The bytes before the first record of an EVENTS frame: length, kind, request_id:u64, count:u32.</summary>
    public const int EventsPrefixBytes = FrameHeader.Size + 8 + 4;

    /// <summary>The size of one event record in an EVENTS body: 50 bytes plus the stream id, type and payload.</summary>
    public static long EventRecordBytes(int streamBytes, int typeBytes, int payloadBytes) => 50L + streamBytes + typeBytes + payloadBytes;

    /// <summary>
    /// Writes the prefix of an EVENTS frame whose records (<paramref name="recordBytes"/> of them, already written
    /// after the prefix) number <paramref name="count"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="EventsPrefixBytes"/>.</exception>
    public static void WriteEventsPrefix(Span<byte> destination, ulong requestId, uint count, int recordBytes) =>
        WriteRecordsPrefix(destination, FrameKind.Events, requestId, count, recordBytes);

    // EVENTS and PUSH share one layout: length, kind, an id (request or subscription), count, then the records.
    internal static void WriteRecordsPrefix(Span<byte> destination, FrameKind kind, ulong id, uint count, int recordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, EventsPrefixBytes, nameof(destination));
        ArgumentOutOfRangeException.ThrowIfNegative(recordBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)(1 + 8 + 4 + recordBytes));
        destination[4] = (byte)kind;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[5..], id);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[13..], count);
    }

    /// <summary>Writes one event record of an EVENTS body; returns its size (<see cref="EventRecordBytes"/>).</summary>
    /// <exception cref="ArgumentException">The record does not fit <paramref name="destination"/>, or the stream id or type is longer than 65535 bytes.</exception>
    public static int WriteEventRecord(
        Span<byte> destination,
        ulong position,
        ulong commandSequence,
        long timestampTicks,
        ulong producerId,
        ReadOnlySpan<byte> stream,
        ulong streamVersion,
        ReadOnlySpan<byte> type,
        ushort schemaVersion,
        ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stream.Length, MaxStringBytes, nameof(stream));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(type.Length, MaxStringBytes, nameof(type));
        long size = EventRecordBytes(stream.Length, type.Length, payload.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, size, nameof(destination));
        BinaryPrimitives.WriteUInt64LittleEndian(destination, position);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], commandSequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], timestampTicks);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], producerId);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[32..], (ushort)stream.Length);
        stream.CopyTo(destination[34..]);
        int at = 34 + stream.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[at..], streamVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[(at + 8)..], (ushort)type.Length);
        type.CopyTo(destination[(at + 10)..]);
        at += 10 + type.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], schemaVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[(at + 2)..], (uint)payload.Length);
        payload.CopyTo(destination[(at + 6)..]);
        return (int)size;
    }

    /// <summary>ERROR.</summary>
    public static void WriteError(IBufferWriter<byte> writer, ErrorCode code, ReadOnlySpan<char> message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int messageBytes = Utf8Length(message);
        Span<byte> span = Begin(writer, FrameKind.Error, 2 + 2 + messageBytes, out int total);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)code);
        WriteString(span[2..], message, messageBytes);
        writer.Advance(total);
    }

    private static void WriteNonce(IBufferWriter<byte> writer, FrameKind kind, ulong nonce)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = Begin(writer, kind, 8, out int total);
        BinaryPrimitives.WriteUInt64LittleEndian(span, nonce);
        writer.Advance(total);
    }

    // Writes the length and kind; returns the span for the body.
    private static Span<byte> Begin(IBufferWriter<byte> writer, FrameKind kind, int bodyLength, out int total)
    {
        total = FrameHeader.Size + bodyLength;
        Span<byte> span = writer.GetSpan(total);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)(bodyLength + 1));
        span[4] = (byte)kind;
        return span.Slice(FrameHeader.Size, bodyLength);
    }

    // The UTF-8 length of text, cut to the format's limit at a character boundary. The cut walks forward once over at
    // most the limit: re-counting the text per dropped character made a 1 MiB string cost half a minute.
    private static int Utf8Length(ReadOnlySpan<char> text)
    {
        int bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes <= MaxStringBytes)
        {
            return bytes;
        }

        // Whole characters while they fit: a surrogate pair is one; a lone surrogate is encoded as U+FFFD, as the encoder does.
        bytes = 0;
        while (!text.IsEmpty)
        {
            Rune.DecodeFromUtf16(text, out Rune rune, out int chars);
            if (bytes + rune.Utf8SequenceLength > MaxStringBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            text = text[chars..];
        }

        return bytes;
    }

    private static int WriteString(Span<byte> destination, ReadOnlySpan<char> text, int byteCount)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)byteCount);
        if (byteCount > 0 && !Encoding.UTF8.TryGetBytes(text, destination.Slice(2, byteCount), out _))
        {
            // A string cut to the format's limit: encode only the characters that fit (rare, so the encoder may allocate).
            Encoding.UTF8.GetEncoder().Convert(text, destination.Slice(2, byteCount), flush: true, out _, out _, out _);
        }

        return 2 + byteCount;
    }
}
