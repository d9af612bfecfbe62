using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Pipeline.Protocol;

namespace Pipeline.Testing;

/// <summary>A frame as received (a copy of its body), with strict decoders for each kind.</summary>
/// <param name="Kind">The frame kind byte.</param>
/// <param name="Body">The body after the kind byte.</param>
public sealed record ReceivedFrame(FrameKind Kind, byte[] Body)
{
    /// <summary>WELCOME's fields.</summary>
    public (ushort Version, ulong ProducerId, ulong LastProducerSequence, ulong HeadSequence) AsWelcome()
    {
        Expect(FrameKind.Welcome, 26);
        return (BinaryPrimitives.ReadUInt16LittleEndian(Body), BinaryPrimitives.ReadUInt64LittleEndian(Body.AsSpan(2)),
            BinaryPrimitives.ReadUInt64LittleEndian(Body.AsSpan(10)), BinaryPrimitives.ReadUInt64LittleEndian(Body.AsSpan(18)));
    }

    /// <summary>ACK's fields.</summary>
    public (ulong ProducerSequence, ulong Sequence, AckStatus Status, string Detail) AsAck()
    {
        Expect(FrameKind.Ack);
        var reader = new BodyReader(Body);
        if (!(reader.TryReadUInt64(out ulong producerSequence) && reader.TryReadUInt64(out ulong sequence) && reader.TryReadByte(out byte status)
            && reader.TryReadString(out ReadOnlySpan<byte> detail) && reader.IsAtEnd))
        {
            throw Malformed();
        }

        return (producerSequence, sequence, (AckStatus)status, Encoding.UTF8.GetString(detail));
    }

    /// <summary>RESULT's fields.</summary>
    public (ulong RequestId, ulong Sequence, ResultStatus Status, string Body) AsResult()
    {
        Expect(FrameKind.Result);
        var reader = new BodyReader(Body);
        if (!(reader.TryReadUInt64(out ulong requestId) && reader.TryReadUInt64(out ulong sequence) && reader.TryReadByte(out byte status)
            && reader.TryReadString(out ReadOnlySpan<byte> body) && reader.IsAtEnd))
        {
            throw Malformed();
        }

        return (requestId, sequence, (ResultStatus)status, Encoding.UTF8.GetString(body));
    }

    /// <summary>ERROR's fields.</summary>
    public (ErrorCode Code, string Message) AsError()
    {
        Expect(FrameKind.Error);
        var reader = new BodyReader(Body);
        if (!(reader.TryReadUInt16(out ushort code) && reader.TryReadString(out ReadOnlySpan<byte> message) && reader.IsAtEnd))
        {
            throw Malformed();
        }

        return ((ErrorCode)code, Encoding.UTF8.GetString(message));
    }

    /// <summary>READ_END's fields.</summary>
    public (ulong RequestId, ReadStatus Status, ulong Next, ulong HeadPosition, uint EventCount, string Message) AsReadEnd()
    {
        Expect(FrameKind.ReadEnd);
        if (!ServerFrames.TryParseReadEnd(Body, out ReadEndFrame end))
        {
            throw Malformed();
        }

        return (end.RequestId, end.Status, end.Next, end.HeadPosition, end.EventCount, Encoding.UTF8.GetString(end.Message));
    }

    /// <summary>EVENTS: the request id and each record's fields (strings decoded, payload copied).</summary>
    public (ulong RequestId, List<(ulong Position, ulong CommandSequence, long TimestampTicks, ulong ProducerId, string Stream, ulong StreamVersion, string Type, ushort SchemaVersion, byte[] Payload)> Records) AsEvents()
    {
        Expect(FrameKind.Events);
        if (!ServerFrames.TryParseEvents(Body, out EventsFrame events))
        {
            throw Malformed();
        }

        var records = new List<(ulong, ulong, long, ulong, string, ulong, string, ushort, byte[])>();
        while (events.TryReadNext(out EventRecordFrame r))
        {
            records.Add((r.Position, r.CommandSequence, r.TimestampTicks, r.ProducerId, Encoding.UTF8.GetString(r.Stream), r.StreamVersion,
                Encoding.UTF8.GetString(r.Type), r.SchemaVersion, r.Payload.ToArray()));
        }

        return (events.RequestId, records);
    }

    /// <summary>The nonce of a PING or PONG.</summary>
    public ulong AsNonce()
    {
        if (Kind is not (FrameKind.Ping or FrameKind.Pong))
        {
            throw new InvalidDataException($"Expected PING or PONG, got {Kind}.");
        }

        if (!ClientFrames.TryParsePing(Body, out ulong nonce))
        {
            throw Malformed();
        }

        return nonce;
    }

    /// <summary>HELLO's fields.</summary>
    public (ushort Version, ulong ProducerId, string ClientName) AsHello()
    {
        Expect(FrameKind.Hello);
        if (!ClientFrames.TryParseHello(Body, out HelloFrame hello))
        {
            throw Malformed();
        }

        return (hello.Version, hello.ProducerId, Encoding.UTF8.GetString(hello.ClientName));
    }

    /// <summary>PUBLISH's fields.</summary>
    public (ulong ProducerSequence, string Type, ushort SchemaVersion, byte[] Payload) AsPublish()
    {
        Expect(FrameKind.Publish);
        if (!ClientFrames.TryParsePublish(Body, out PublishFrame publish))
        {
            throw Malformed();
        }

        return (publish.ProducerSequence, Encoding.UTF8.GetString(publish.Type), publish.SchemaVersion, publish.Payload.ToArray());
    }

    /// <summary>QUERY's fields.</summary>
    public (ulong RequestId, string Name, ulong MinSequence, string Args) AsQuery()
    {
        Expect(FrameKind.Query);
        if (!ClientFrames.TryParseQuery(Body, out QueryFrame query))
        {
            throw Malformed();
        }

        return (query.RequestId, Encoding.UTF8.GetString(query.Name), query.MinSequence, Encoding.UTF8.GetString(query.Args));
    }

    /// <summary>SUBSCRIBED's fields (version 3).</summary>
    public SubscribedFrame AsSubscribed()
    {
        Expect(FrameKind.Subscribed);
        return ServerFrames.TryParseSubscribed(Body, out SubscribedFrame frame) ? frame : throw Malformed();
    }

    /// <summary>CAUGHT_UP's fields (version 3).</summary>
    public CaughtUpFrame AsCaughtUp()
    {
        Expect(FrameKind.CaughtUp);
        return ServerFrames.TryParseCaughtUp(Body, out CaughtUpFrame frame) ? frame : throw Malformed();
    }

    /// <summary>HEARTBEAT's fields (version 3).</summary>
    public HeartbeatFrame AsHeartbeat()
    {
        Expect(FrameKind.Heartbeat);
        return ServerFrames.TryParseHeartbeat(Body, out HeartbeatFrame frame) ? frame : throw Malformed();
    }

    /// <summary>SUB_END's fields (version 3).</summary>
    public (ulong SubscriptionId, SubscriptionEndStatus Status, ulong Next, string Message) AsSubEnd()
    {
        Expect(FrameKind.SubEnd);
        if (!ServerFrames.TryParseSubEnd(Body, out SubEndFrame end))
        {
            throw Malformed();
        }

        return (end.SubscriptionId, end.Status, end.Next, Encoding.UTF8.GetString(end.Message));
    }

    /// <summary>CONSUMER_RESULT's fields (version 3).</summary>
    public (ulong RequestId, ConsumerResultStatus Status, ulong Position, string Message) AsConsumerResult()
    {
        Expect(FrameKind.ConsumerResult);
        if (!ServerFrames.TryParseConsumerResult(Body, out ConsumerResultFrame result))
        {
            throw Malformed();
        }

        return (result.RequestId, result.Status, result.Position, Encoding.UTF8.GetString(result.Message));
    }

    /// <summary>PUSH (version 3): the subscription id and each record's fields (strings decoded, payload copied).</summary>
    public (ulong SubscriptionId, List<(ulong Position, ulong CommandSequence, long TimestampTicks, ulong ProducerId, string Stream, ulong StreamVersion, string Type, ushort SchemaVersion, byte[] Payload)> Records) AsPush()
    {
        Expect(FrameKind.Push);
        if (!ServerFrames.TryParsePush(Body, out PushFrame push))
        {
            throw Malformed();
        }

        var records = new List<(ulong, ulong, long, ulong, string, ulong, string, ushort, byte[])>();
        while (push.TryReadNext(out EventRecordFrame r))
        {
            records.Add((r.Position, r.CommandSequence, r.TimestampTicks, r.ProducerId, Encoding.UTF8.GetString(r.Stream), r.StreamVersion,
                Encoding.UTF8.GetString(r.Type), r.SchemaVersion, r.Payload.ToArray()));
        }

        return (push.SubscriptionId, records);
    }

    private void Expect(FrameKind kind, int? bodyLength = null)
    {
        if (Kind != kind)
        {
            string error = Kind == FrameKind.Error ? ": " + AsError().Message : string.Empty;
            throw new InvalidDataException($"Expected {kind}, got {Kind}{error}.");
        }

        if (bodyLength is { } length && Body.Length != length)
        {
            throw new InvalidDataException($"{kind} has a {Body.Length}-byte body; {length} expected.");
        }
    }

    private InvalidDataException Malformed() => new($"Malformed {Kind} body ({Body.Length} bytes).");
}
