using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Protocol.Tests;

/// <summary>Protocol version 3, server frames: SUBSCRIBED, PUSH, CAUGHT_UP, HEARTBEAT, SUB_END, CONSUMER_RESULT; and FETCH's byte budget.</summary>
public sealed class ConsumerServerFramesTests
{
    private static readonly byte[] Stream = "account-é"u8.ToArray();

    private static byte[] Body(byte[] frame, FrameKind kind)
    {
        Assert.Equal(frame.Length - 4, (int)BinaryPrimitives.ReadUInt32LittleEndian(frame));
        Assert.Equal((byte)kind, frame[4]);
        return frame[FrameHeader.Size..];
    }

    [Fact]
    public void WriteCaughtUp_DocsExample_WritesTheBytesThePageShowsAndParsesBack()
    {
        byte[] expected = Convert.FromHexString("11000000" + "89" + "0100000000000000" + "2A00000000000000");

        byte[] written = FrameBytes.Build(w => FrameWriter.WriteCaughtUp(w, 1, 42));
        bool parsed = ServerFrames.TryParseCaughtUp(Body(written, FrameKind.CaughtUp), out CaughtUpFrame frame);

        Assert.Equal(expected, written);
        Assert.True(parsed);
        Assert.Equal(new CaughtUpFrame(1, 42), frame);
    }

    [Theory]
    [InlineData(0UL, 0UL, 0UL)]
    [InlineData(ulong.MaxValue, 1UL, 2UL)]
    [InlineData(3UL, ulong.MaxValue, ulong.MaxValue)]
    public void SubscribedAndHeartbeat_Written_MatchTheSpecLayoutAndParseBack(ulong id, ulong position, ulong head)
    {
        byte[] subscribed = FrameBytes.Build(w => FrameWriter.WriteSubscribed(w, id, position, head));
        byte[] heartbeat = FrameBytes.Build(w => FrameWriter.WriteHeartbeat(w, id, position, head));

        Assert.Equal(new SpecBody().U64(id).U64(position).U64(head).ToFrame(FrameKind.Subscribed), subscribed);
        Assert.Equal(new SpecBody().U64(id).U64(position).U64(head).ToFrame(FrameKind.Heartbeat), heartbeat);
        Assert.Equal((25, 25), (subscribed.Length - 4, heartbeat.Length - 4));
        Assert.True(ServerFrames.TryParseSubscribed(Body(subscribed, FrameKind.Subscribed), out SubscribedFrame s));
        Assert.Equal(new SubscribedFrame(id, position, head), s);
        Assert.True(ServerFrames.TryParseHeartbeat(Body(heartbeat, FrameKind.Heartbeat), out HeartbeatFrame h));
        Assert.Equal(new HeartbeatFrame(id, position, head), h);
    }

    [Theory]
    [InlineData(SubscriptionEndStatus.Unsubscribed, 0UL, "")]
    [InlineData(SubscriptionEndStatus.BadRequest, 0UL, "credits 0 is outside 1..1000000")]
    [InlineData(SubscriptionEndStatus.ConsumerBusy, 0UL, "the consumer is held by connection 12 (Grüße)")]
    [InlineData(SubscriptionEndStatus.TooLarge, ulong.MaxValue, "the event at 9 does not fit a frame")]
    public void WriteSubEnd_Always_MatchesTheSpecLayoutAndParsesBack(SubscriptionEndStatus status, ulong next, string message)
    {
        byte[] written = FrameBytes.Build(w => FrameWriter.WriteSubEnd(w, 5, status, next, message));

        bool parsed = ServerFrames.TryParseSubEnd(Body(written, FrameKind.SubEnd), out SubEndFrame end);

        Assert.Equal(new SpecBody().U64(5).U8((byte)status).U64(next).Str(message).ToFrame(FrameKind.SubEnd), written);
        Assert.Equal(20 + Encoding.UTF8.GetByteCount(message), written.Length - 4);
        Assert.True(parsed);
        Assert.Equal((5UL, status, next), (end.SubscriptionId, end.Status, end.Next));
        Assert.Equal(message, Encoding.UTF8.GetString(end.Message));
    }

    [Theory]
    [InlineData(ConsumerResultStatus.Ok, 42UL, "")]
    [InlineData(ConsumerResultStatus.Stale, 50UL, "")]
    [InlineData(ConsumerResultStatus.BadRequest, 0UL, "the consumer name is 0 bytes; it must be 1..128")]
    [InlineData(ConsumerResultStatus.StoreError, 7UL, "disk full ✓")]
    public void WriteConsumerResult_Always_MatchesTheSpecLayoutAndParsesBack(ConsumerResultStatus status, ulong position, string message)
    {
        byte[] written = FrameBytes.Build(w => FrameWriter.WriteConsumerResult(w, 8, status, position, message));

        bool parsed = ServerFrames.TryParseConsumerResult(Body(written, FrameKind.ConsumerResult), out ConsumerResultFrame result);

        Assert.Equal(new SpecBody().U64(8).U8((byte)status).U64(position).Str(message).ToFrame(FrameKind.ConsumerResult), written);
        Assert.Equal(20 + Encoding.UTF8.GetByteCount(message), written.Length - 4);
        Assert.True(parsed);
        Assert.Equal((8UL, status, position), (result.RequestId, result.Status, result.Position));
        Assert.Equal(message, Encoding.UTF8.GetString(result.Message));
    }

    public static TheoryData<FrameKind> FixedKinds => new() { FrameKind.Subscribed, FrameKind.CaughtUp, FrameKind.Heartbeat, FrameKind.SubEnd, FrameKind.ConsumerResult };

    private static byte[] ValidBody(FrameKind kind) => kind switch
    {
        FrameKind.Subscribed or FrameKind.Heartbeat => new SpecBody().U64(1).U64(2).U64(3).ToArray(),
        FrameKind.CaughtUp => new SpecBody().U64(1).U64(2).ToArray(),
        _ => new SpecBody().U64(1).U8(2).U64(3).Str("né").ToArray(),
    };

    private static bool TryParse(FrameKind kind, ReadOnlySpan<byte> body) => kind switch
    {
        FrameKind.Subscribed => ServerFrames.TryParseSubscribed(body, out _),
        FrameKind.CaughtUp => ServerFrames.TryParseCaughtUp(body, out _),
        FrameKind.Heartbeat => ServerFrames.TryParseHeartbeat(body, out _),
        FrameKind.SubEnd => ServerFrames.TryParseSubEnd(body, out _),
        FrameKind.ConsumerResult => ServerFrames.TryParseConsumerResult(body, out _),
        _ => ServerFrames.TryParsePush(body, out _),
    };

    [Theory]
    [MemberData(nameof(FixedKinds))]
    public void TryParse_EndsEarlyAtEveryByteOrRunsOver_ReturnsFalse(FrameKind kind)
    {
        byte[] body = ValidBody(kind);

        Assert.True(TryParse(kind, body));
        for (int length = 0; length < body.Length; length++)
        {
            Assert.False(TryParse(kind, body.AsSpan(0, length)), $"{kind} cut at {length}");
        }

        Assert.False(TryParse(kind, [.. body, 0]));
    }

    [Theory]
    [InlineData(FrameKind.SubEnd)]
    [InlineData(FrameKind.ConsumerResult)]
    public void TryParse_MessageNotUtf8_ReturnsFalse(FrameKind kind)
    {
        byte[] body = new SpecBody().U64(1).U8(2).U64(3).Str([0x61, 0xC3]).ToArray();

        bool parsed = TryParse(kind, body);

        Assert.False(parsed);
    }

    // PUSH: the records of EVENTS, built by the same builder.

    private static bool Append(EventsFrameBuilder builder, ulong position, string payload) =>
        builder.TryAppend(position, position * 10, DateTime.UnixEpoch.Ticks + (long)position, 4, Stream, position + 100, "Deposited"u8, 2, Encoding.UTF8.GetBytes(payload));

    private static SpecBody Record(SpecBody body, ulong position, string payload) => body
        .U64(position).U64(position * 10).U64(unchecked((ulong)(DateTime.UnixEpoch.Ticks + (long)position))).U64(4)
        .Str(Stream).U64(position + 100).Str("Deposited").U16(2).U32((uint)Encoding.UTF8.GetByteCount(payload)).Raw(Encoding.UTF8.GetBytes(payload));

    private static long RecordBytes(string payload) => FrameWriter.EventRecordBytes(Stream.Length, "Deposited"u8.Length, Encoding.UTF8.GetByteCount(payload));

    [Fact]
    public void EventsFrameBuilder_PushKind_BuildsThePushLayoutThatTryParsePushReads()
    {
        using var builder = new EventsFrameBuilder(1024 * 1024, FrameKind.Push);
        builder.Reset(33);
        byte[] expected = Record(Record(new SpecBody().U64(33).U32(2), 5, "{\"a\":1}"), 9, string.Empty).ToFrame(FrameKind.Push);

        Assert.True(Append(builder, 5, "{\"a\":1}"));
        Assert.True(Append(builder, 9, string.Empty));
        byte[] frame = builder.Frame.ToArray();
        bool parsed = ServerFrames.TryParsePush(Body(frame, FrameKind.Push), out PushFrame push);

        Assert.Equal(expected, frame);
        Assert.Equal(FrameKind.Push, builder.Kind);
        Assert.True(parsed);
        Assert.Equal((33UL, 2U), (push.SubscriptionId, push.Count));
        var positions = new List<ulong>();
        while (push.TryReadNext(out EventRecordFrame record))
        {
            positions.Add(record.Position);
            Assert.Equal(Stream, record.Stream.ToArray());
            Assert.Equal(record.Position + 100, record.StreamVersion);
        }

        Assert.Equal([5UL, 9UL], positions);
    }

    [Fact]
    public void WritePushPrefix_SameFieldsAsEvents_DiffersOnlyInTheKindByte()
    {
        byte[] push = new byte[FrameWriter.PushPrefixBytes];
        byte[] events = new byte[FrameWriter.EventsPrefixBytes];

        FrameWriter.WritePushPrefix(push, 7, 3, 100);
        FrameWriter.WriteEventsPrefix(events, 7, 3, 100);

        Assert.Equal((byte)FrameKind.Push, push[4]);
        Assert.Equal((byte)FrameKind.Events, events[4]);
        push[4] = events[4];
        Assert.Equal(events, push);
    }

    [Theory]
    [InlineData(FrameKind.ReadEnd)]
    [InlineData(FrameKind.Subscribed)]
    [InlineData(FrameKind.Publish)]
    public void EventsFrameBuilder_KindOtherThanEventsOrPush_Throws(FrameKind kind)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventsFrameBuilder(4096, kind));
    }

    [Fact]
    public void TryParsePush_EndsEarlyAtEveryByteRunsOverOrCountsZero_ReturnsFalse()
    {
        byte[] body = Record(Record(new SpecBody().U64(5).U32(2), 1, "ab"), 2, "cd").ToArray();
        byte[] zero = new SpecBody().U64(5).U32(0).ToArray();

        Assert.True(ServerFrames.TryParsePush(body, out _));
        for (int length = 0; length < body.Length; length++)
        {
            Assert.False(ServerFrames.TryParsePush(body.AsSpan(0, length), out _), $"cut at {length}");
        }

        Assert.False(ServerFrames.TryParsePush([.. body, 0], out _));
        Assert.False(ServerFrames.TryParsePush(zero, out _));
    }

    // FETCH's max_bytes: a budget of record bytes over the whole answer.

    [Fact]
    public void EventsFrameBuilder_NoBudget_TakesRecordsUntilTheFrameIsFull()
    {
        using var builder = new EventsFrameBuilder(4096);
        builder.Reset(1);

        while (Append(builder, (ulong)builder.Count + 1, "payload"))
        {
        }

        Assert.False(builder.BudgetReached);
        Assert.True(builder.Count > 1);
    }

    [Fact]
    public void EventsFrameBuilder_BudgetOfTwoRecords_StopsAtTheThirdAndSaysSo()
    {
        using var builder = new EventsFrameBuilder(1024 * 1024);
        builder.Reset(1);
        builder.SetRecordBytesBudget(2 * RecordBytes("xx"));

        bool first = Append(builder, 1, "xx");
        bool second = Append(builder, 2, "xx");
        bool third = Append(builder, 3, string.Empty);

        Assert.True(first && second);
        Assert.False(third);
        Assert.True(builder.BudgetReached);
        Assert.Equal(2, builder.Count);
        Assert.Equal(2 * RecordBytes("xx"), builder.BudgetUsedBytes);
    }

    [Fact]
    public void EventsFrameBuilder_FirstRecordLargerThanTheBudget_IsTakenAlone()
    {
        using var builder = new EventsFrameBuilder(4096);
        builder.Reset(1);
        builder.SetRecordBytesBudget(1);

        bool first = Append(builder, 1, new string('p', 1000));
        bool second = Append(builder, 2, string.Empty);

        Assert.True(first);
        Assert.False(second);
        Assert.True(builder.BudgetReached);
        Assert.Equal(1, builder.Count);
    }

    [Fact]
    public void EventsFrameBuilder_FirstRecordLargerThanAFrame_IsRefusedByTheFrameNotTheBudget()
    {
        using var builder = new EventsFrameBuilder(256);
        builder.Reset(1);
        builder.SetRecordBytesBudget(1);

        bool added = Append(builder, 1, new string('p', 300));

        Assert.False(added);
        Assert.False(builder.BudgetReached); // the caller reports TOO_LARGE, not the end of the budget
        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void EventsFrameBuilder_Budget_GoesOnAcrossFramesOfOneAnswer()
    {
        const int MaxFrameLength = 1024;
        using var builder = new EventsFrameBuilder(MaxFrameLength);
        string payload = new('p', 200);
        long budget = 6 * RecordBytes(payload); // more than one frame holds, fewer than two
        builder.SetRecordBytesBudget(budget);
        builder.Reset(1);
        ulong position = 1;
        while (Append(builder, position, payload))
        {
            position++;
        }

        int firstFrame = builder.Count;
        Assert.False(builder.BudgetReached);
        builder.Reset(1);
        while (Append(builder, position, payload))
        {
            position++;
        }

        Assert.True(builder.BudgetReached);
        Assert.Equal(6, firstFrame + builder.Count);
        Assert.True(firstFrame < 6);
        Assert.Equal(budget, builder.BudgetUsedBytes);
    }

    [Fact]
    public void EventsFrameBuilder_SetRecordBytesBudgetAgain_StartsAFreshBudget()
    {
        using var builder = new EventsFrameBuilder(4096);
        builder.Reset(1);
        builder.SetRecordBytesBudget(1);
        Assert.True(Append(builder, 1, "x"));
        Assert.False(Append(builder, 2, "x"));

        builder.SetRecordBytesBudget(1);
        builder.Reset(2);

        Assert.False(builder.BudgetReached);
        Assert.True(Append(builder, 2, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.SetRecordBytesBudget(0));
    }
}
