using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Pipeline.Protocol;
using Pipeline.Testing;

namespace Pipeline.Client.Tests;

/// <summary>The frames of protocol version 3 as the scripted server sends and reads them.</summary>
internal static class ScriptedFrames
{
    /// <summary>The stream of the test event at <paramref name="position"/>.</summary>
    public static string Stream(ulong position) => "s-" + (position % 3).ToString(CultureInfo.InvariantCulture);

    /// <summary>The payload of the test event at <paramref name="position"/>.</summary>
    public static byte[] Payload(ulong position) => Encoding.UTF8.GetBytes("{\"n\":" + position.ToString(CultureInfo.InvariantCulture) + "}");

    /// <summary>A PUSH (or EVENTS) frame with one test event per position: type t.e, producer 7, command sequence 10 * position.</summary>
    public static byte[] Records(FrameKind kind, ulong id, params ulong[] positions)
    {
        var records = new List<byte>();
        foreach (ulong p in positions)
        {
            byte[] stream = Encoding.UTF8.GetBytes(Stream(p));
            byte[] payload = Payload(p);
            byte[] record = new byte[FrameWriter.EventRecordBytes(stream.Length, 3, payload.Length)];
            FrameWriter.WriteEventRecord(record, p, p * 10, 1000 + (long)p, 7, stream, p, "t.e"u8, 1, payload);
            records.AddRange(record);
        }

        byte[] frame = new byte[FrameWriter.EventsPrefixBytes + records.Count];
        if (kind == FrameKind.Push)
        {
            FrameWriter.WritePushPrefix(frame, id, (uint)positions.Length, records.Count);
        }
        else
        {
            FrameWriter.WriteEventsPrefix(frame, id, (uint)positions.Length, records.Count);
        }

        records.CopyTo(frame, FrameWriter.EventsPrefixBytes);
        return frame;
    }

    public static byte[] Push(ulong subscriptionId, params ulong[] positions) => Records(FrameKind.Push, subscriptionId, positions);

    public static byte[] Subscribed(ulong subscriptionId, ulong start, ulong head) => FrameBytes.Build(w => FrameWriter.WriteSubscribed(w, subscriptionId, start, head));

    public static byte[] CaughtUp(ulong subscriptionId, ulong position) => FrameBytes.Build(w => FrameWriter.WriteCaughtUp(w, subscriptionId, position));

    public static byte[] Heartbeat(ulong subscriptionId, ulong checkedPosition, ulong head) => FrameBytes.Build(w => FrameWriter.WriteHeartbeat(w, subscriptionId, checkedPosition, head));

    public static byte[] SubEnd(ulong subscriptionId, SubscriptionEndStatus status, ulong next, string message = "") =>
        FrameBytes.Build(w => FrameWriter.WriteSubEnd(w, subscriptionId, status, next, message));

    public static byte[] ConsumerResult(ulong requestId, ConsumerResultStatus status, ulong position, string message = "") =>
        FrameBytes.Build(w => FrameWriter.WriteConsumerResult(w, requestId, status, position, message));

    public static byte[] ReadEnd(ulong requestId, ReadStatus status, ulong next, ulong head, uint count, string message = "") =>
        FrameBytes.Build(w => FrameWriter.WriteReadEnd(w, requestId, status, next, head, count, message));

    public static (ulong Id, SubscriptionStart Start, ulong From, uint Credits, EventFilterKind Filter, ulong ProducerId, string Key, string Consumer) AsSubscribe(this ReceivedFrame frame)
    {
        Expect(frame, FrameKind.Subscribe);
        return ClientFrames.TryParseSubscribe(frame.Body, out SubscribeFrame s)
            ? (s.SubscriptionId, s.Start, s.From, s.Credits, s.FilterKind, s.ProducerId, Encoding.UTF8.GetString(s.Key), Encoding.UTF8.GetString(s.Consumer))
            : throw new InvalidDataException("Malformed SUBSCRIBE.");
    }

    public static (ulong Id, uint Credits) AsCredit(this ReceivedFrame frame)
    {
        Expect(frame, FrameKind.Credit);
        return ClientFrames.TryParseCredit(frame.Body, out CreditFrame c) ? (c.SubscriptionId, c.Credits) : throw new InvalidDataException("Malformed CREDIT.");
    }

    public static ulong AsUnsubscribe(this ReceivedFrame frame)
    {
        Expect(frame, FrameKind.Unsubscribe);
        return ClientFrames.TryParseUnsubscribe(frame.Body, out UnsubscribeFrame u) ? u.SubscriptionId : throw new InvalidDataException("Malformed UNSUBSCRIBE.");
    }

    public static (ulong RequestId, ulong From, uint MaxCount, uint MaxBytes, uint MaxWaitMs, EventFilterKind Filter, ulong ProducerId, string Key) AsFetch(this ReceivedFrame frame)
    {
        Expect(frame, FrameKind.Fetch);
        return ClientFrames.TryParseFetch(frame.Body, out FetchFrame f)
            ? (f.RequestId, f.From, f.MaxCount, f.MaxBytes, f.MaxWaitMs, f.FilterKind, f.ProducerId, Encoding.UTF8.GetString(f.Key))
            : throw new InvalidDataException("Malformed FETCH.");
    }

    public static (ulong RequestId, ulong Position, string Consumer) AsCommit(this ReceivedFrame frame)
    {
        Expect(frame, FrameKind.Commit);
        return ClientFrames.TryParseCommit(frame.Body, out CommitFrame c)
            ? (c.RequestId, c.Position, Encoding.UTF8.GetString(c.Consumer))
            : throw new InvalidDataException("Malformed COMMIT.");
    }

    public static (ulong RequestId, ConsumerOperation Operation, ulong Position, string Consumer) AsConsumerAdmin(this ReceivedFrame frame)
    {
        Expect(frame, FrameKind.ConsumerAdmin);
        return ClientFrames.TryParseConsumerAdmin(frame.Body, out ConsumerAdminFrame a)
            ? (a.RequestId, a.Operation, a.Position, Encoding.UTF8.GetString(a.Consumer))
            : throw new InvalidDataException("Malformed CONSUMER_ADMIN.");
    }

    private static void Expect(ReceivedFrame frame, FrameKind kind)
    {
        if (frame.Kind != kind)
        {
            throw new InvalidDataException($"Expected {kind}, got {frame.Kind}.");
        }
    }
}
