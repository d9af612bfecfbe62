using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Pipeline.Protocol;

namespace Pipeline.Testing;

/// <summary>Whole frames as byte arrays, well-formed (through <see cref="FrameWriter"/>) and not.</summary>
public static class FrameBytes
{
    /// <summary>Runs a <see cref="FrameWriter"/> call and returns what it wrote.</summary>
    public static byte[] Build(Action<IBufferWriter<byte>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>HELLO.</summary>
    public static byte[] Hello(ulong producerId, string clientName = "tests", ushort version = FrameHeader.ProtocolVersion) =>
        Build(w => FrameWriter.WriteHello(w, version, producerId, clientName));

    /// <summary>PUBLISH with a UTF-8 type and raw payload.</summary>
    public static byte[] Publish(ulong producerSequence, string type, byte[] payload, ushort schemaVersion = 1) =>
        Build(w => FrameWriter.WritePublish(w, producerSequence, Encoding.UTF8.GetBytes(type), schemaVersion, payload));

    /// <summary>QUERY.</summary>
    public static byte[] Query(ulong requestId, string name, ulong minSequence, string args) =>
        Build(w => FrameWriter.WriteQuery(w, requestId, name, minSequence, args));

    /// <summary>READ (protocol version 2) with a UTF-8 key.</summary>
    public static byte[] Read(ulong requestId, ReadSelector selector, ulong from, uint maxCount, ulong minSequence = 0, ulong producerId = 0, string key = "") =>
        Build(w => FrameWriter.WriteRead(w, requestId, selector, from, maxCount, minSequence, producerId, Encoding.UTF8.GetBytes(key)));

    /// <summary>PING.</summary>
    public static byte[] Subscribe(ulong subscriptionId, SubscriptionStart start, uint credits, EventFilterKind filter = EventFilterKind.None, string key = "", ulong producerId = 0, string consumer = "", ulong from = 0) =>
        Build(w => FrameWriter.WriteSubscribe(w, subscriptionId, start, from, credits, filter, producerId, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(consumer)));

    public static byte[] Credit(ulong subscriptionId, uint credits) => Build(w => FrameWriter.WriteCredit(w, subscriptionId, credits));

    public static byte[] Unsubscribe(ulong subscriptionId) => Build(w => FrameWriter.WriteUnsubscribe(w, subscriptionId));

    public static byte[] Fetch(ulong requestId, ulong from, uint maxCount, uint maxBytes = 1 << 20, uint maxWaitMs = 0, EventFilterKind filter = EventFilterKind.None, string key = "", ulong producerId = 0) =>
        Build(w => FrameWriter.WriteFetch(w, requestId, from, maxCount, maxBytes, maxWaitMs, filter, producerId, Encoding.UTF8.GetBytes(key)));

    public static byte[] Commit(ulong requestId, ulong position, string consumer) =>
        Build(w => FrameWriter.WriteCommit(w, requestId, position, Encoding.UTF8.GetBytes(consumer)));

    public static byte[] ConsumerAdmin(ulong requestId, ConsumerOperation operation, ulong position, string consumer) =>
        Build(w => FrameWriter.WriteConsumerAdmin(w, requestId, operation, position, Encoding.UTF8.GetBytes(consumer)));

    public static byte[] Ping(ulong nonce) => Build(w => FrameWriter.WritePing(w, nonce));

    /// <summary>A frame with any length field, kind and body.</summary>
    public static byte[] Raw(uint length, byte kind, ReadOnlySpan<byte> body)
    {
        byte[] frame = new byte[FrameHeader.Size + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, length);
        frame[4] = kind;
        body.CopyTo(frame.AsSpan(FrameHeader.Size));
        return frame;
    }

    /// <summary>The frames one after the other.</summary>
    public static byte[] Concat(params byte[][] frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var writer = new ArrayBufferWriter<byte>();
        foreach (byte[] frame in frames)
        {
            writer.Write(frame);
        }

        return writer.WrittenSpan.ToArray();
    }
}
