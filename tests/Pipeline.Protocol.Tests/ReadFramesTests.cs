using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Protocol.Tests;

/// <summary>Protocol version 2: READ, EVENTS and READ_END, as docs/protocol.md draws them.</summary>
public sealed class ReadFramesTests
{
    private static readonly byte[] Stream = "account-é"u8.ToArray();

    // A READ body laid out by hand, field by field, as the page draws it.
    private static SpecBody ReadBody(ulong requestId = 7, byte selector = 3, ulong from = 2, uint maxCount = 10, ulong minSequence = 5, ulong producerId = 0, string key = "account-é") =>
        new SpecBody().U64(requestId).U8(selector).U64(from).U32(maxCount).U64(minSequence).U64(producerId).Str(key);

    private static byte[] Body(byte[] frame, FrameKind kind)
    {
        Assert.Equal(frame.Length - 4, (int)BinaryPrimitives.ReadUInt32LittleEndian(frame));
        Assert.Equal((byte)kind, frame[4]);
        return frame[FrameHeader.Size..];
    }

    [Fact]
    public void TryParseRead_SpecLayout_ReadsEveryField()
    {
        byte[] body = ReadBody(requestId: 0x0102030405060708, selector: 5, from: 9, maxCount: 10_000, minSequence: 11, producerId: 12, key: string.Empty).ToArray();

        bool parsed = ClientFrames.TryParseRead(body, out ReadFrame read);

        Assert.True(parsed);
        Assert.Equal((0x0102030405060708UL, ReadSelector.Producer, 9UL, 10_000U, 11UL, 12UL, 0), (read.RequestId, read.Selector, read.From, read.MaxCount, read.MinSequence, read.ProducerId, read.Key.Length));
    }

    public static TheoryData<ReadSelector, ulong, ulong, string> Reads => new()
    {
        { ReadSelector.AllForward, 1, 0, "" },
        { ReadSelector.AllBackward, ulong.MaxValue, 0, "" },
        { ReadSelector.Stream, 3, 0, "account-é" },
        { ReadSelector.Type, 4, 0, new string('t', 255) },
        { ReadSelector.Producer, 5, ulong.MaxValue, "" },
        { ReadSelector.Time, (ulong)DateTime.UnixEpoch.Ticks, 0, "" },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public void TryParseRead_WrittenByFrameWriter_ReturnsTheSameFields(ReadSelector selector, ulong from, ulong producerId, string key)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        byte[] frame = FrameBytes.Build(w => FrameWriter.WriteRead(w, 99, selector, from, 17, 1234, producerId, keyBytes));

        bool parsed = ClientFrames.TryParseRead(Body(frame, FrameKind.Read), out ReadFrame read);

        Assert.True(parsed);
        Assert.Equal((99UL, selector, from, 17U, 1234UL, producerId), (read.RequestId, read.Selector, read.From, read.MaxCount, read.MinSequence, read.ProducerId));
        Assert.Equal(keyBytes, read.Key.ToArray());
        Assert.True(read.TryValidate(out string? error), error);
    }

    [Fact]
    public void WriteRead_Always_MatchesTheSpecLayoutByteForByte()
    {
        byte[] expected = ReadBody().ToFrame(FrameKind.Read);

        byte[] written = FrameBytes.Build(w => FrameWriter.WriteRead(w, 7, ReadSelector.Stream, 2, 10, 5, 0, Stream));

        Assert.Equal(expected, written);
    }

    [Fact]
    public void FrameWriter_DocsExamples_WritesTheBytesThePageShows()
    {
        byte[] read = Convert.FromHexString("2B000000" + "05" + "0700000000000000" + "03" + "0100000000000000" + "64000000"
            + "0000000000000000" + "0000000000000000" + "0300" + "612D31");
        byte[] end = Convert.FromHexString("20000000" + "86" + "0700000000000000" + "00" + "0300000000000000" + "2A00000000000000" + "02000000" + "0000");

        Assert.Equal(read, FrameBytes.Build(w => FrameWriter.WriteRead(w, 7, ReadSelector.Stream, 1, 100, 0, 0, "a-1"u8)));
        Assert.Equal(end, FrameBytes.Build(w => FrameWriter.WriteReadEnd(w, 7, ReadStatus.Ok, 3, 42, 2, string.Empty)));
    }

    [Fact]
    public void TryParseRead_BodyEndsEarlyAtEveryByte_ReturnsFalse()
    {
        byte[] body = ReadBody().ToArray();

        for (int length = 0; length < body.Length; length++)
        {
            Assert.False(ClientFrames.TryParseRead(body.AsSpan(0, length), out _), $"cut at {length}");
        }
    }

    [Fact]
    public void TryParseRead_TrailingBytes_ReturnsFalse()
    {
        byte[] body = ReadBody().Raw([0]).ToArray();

        bool parsed = ClientFrames.TryParseRead(body, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void TryParseRead_KeyNotUtf8_ReturnsFalse()
    {
        byte[] body = new SpecBody().U64(1).U8(3).U64(1).U32(1).U64(0).U64(0).Str([0x61, 0xC3]).ToArray();

        bool parsed = ClientFrames.TryParseRead(body, out _);

        Assert.False(parsed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(0x80)]
    [InlineData(255)]
    public void TryParseRead_UnknownSelector_ReturnsFalse(byte selector)
    {
        byte[] body = ReadBody(selector: selector, key: string.Empty).ToArray();

        bool parsed = ClientFrames.TryParseRead(body, out _);

        Assert.False(parsed);
    }

    public static TheoryData<string, ReadSelector, uint, ulong, ulong, int> BadRequests => new()
    {
        { "max_count 0", ReadSelector.AllForward, 0, 1, 0, 0 },
        { "max_count above the maximum", ReadSelector.AllForward, ReadLimits.MaxCount + 1, 1, 0, 0 },
        { "stream id empty", ReadSelector.Stream, 1, 1, 0, 0 },
        { "stream id over 255 bytes", ReadSelector.Stream, 1, 1, 0, 256 },
        { "type empty", ReadSelector.Type, 1, 1, 0, 0 },
        { "key for a position read", ReadSelector.AllForward, 1, 1, 0, 1 },
        { "producer id for a type read", ReadSelector.Type, 1, 1, 5, 3 },
        { "negative timestamp", ReadSelector.Time, 1, ulong.MaxValue, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void TryValidate_BrokenRule_ReturnsFalseWithAMessage(string what, ReadSelector selector, uint maxCount, ulong from, ulong producerId, int keyBytes)
    {
        byte[] key = new byte[keyBytes];
        key.AsSpan().Fill((byte)'k');
        var read = new ReadFrame(1, selector, from, maxCount, 0, producerId, key);

        bool valid = read.TryValidate(out string? error);

        Assert.False(valid, what);
        Assert.False(string.IsNullOrEmpty(error), what);
    }

    [Theory]
    [InlineData(1U)]
    [InlineData((uint)ReadLimits.MaxCount)]
    public void TryValidate_MaxCountAtTheBounds_ReturnsTrue(uint maxCount)
    {
        var read = new ReadFrame(1, ReadSelector.AllForward, 1, maxCount, 0, 0, default);

        bool valid = read.TryValidate(out string? error);

        Assert.True(valid, error);
    }

    [Fact]
    public void WriteReadEnd_Always_MatchesTheSpecLayoutAndParsesBack()
    {
        byte[] expected = new SpecBody().U64(3).U8(2).U64(0).U64(42).U32(0).Str("max_count 0 is outside 1..10000").ToFrame(FrameKind.ReadEnd);

        byte[] written = FrameBytes.Build(w => FrameWriter.WriteReadEnd(w, 3, ReadStatus.BadRequest, 0, 42, 0, "max_count 0 is outside 1..10000"));
        bool parsed = ServerFrames.TryParseReadEnd(Body(written, FrameKind.ReadEnd), out ReadEndFrame end);

        Assert.Equal(expected, written);
        Assert.True(parsed);
        Assert.Equal((3UL, ReadStatus.BadRequest, 0UL, 42UL, 0U), (end.RequestId, end.Status, end.Next, end.HeadPosition, end.EventCount));
        Assert.Equal("max_count 0 is outside 1..10000", Encoding.UTF8.GetString(end.Message));
    }

    [Fact]
    public void TryParseReadEnd_EndsEarlyOrRunsOverOrBadUtf8_ReturnsFalse()
    {
        byte[] body = new SpecBody().U64(3).U8(0).U64(10).U64(9).U32(9).Str("ok").ToArray();
        byte[] badUtf8 = new SpecBody().U64(3).U8(0).U64(10).U64(9).U32(9).Str([0xFF]).ToArray();

        Assert.True(ServerFrames.TryParseReadEnd(body, out _));
        for (int length = 0; length < body.Length; length++)
        {
            Assert.False(ServerFrames.TryParseReadEnd(body.AsSpan(0, length), out _), $"cut at {length}");
        }

        Assert.False(ServerFrames.TryParseReadEnd([.. body, 0], out _));
        Assert.False(ServerFrames.TryParseReadEnd(badUtf8, out _));
    }

    // One record laid out by hand: position, command_sequence, timestamp, producer, stream, version, type, schema, payload.
    private static SpecBody Record(SpecBody body, ulong position, string payload) => body
        .U64(position).U64(position * 10).U64(unchecked((ulong)(DateTime.UnixEpoch.Ticks + (long)position))).U64(4)
        .Str(Stream).U64(position + 100).Str("Deposited").U16(2).U32((uint)Encoding.UTF8.GetByteCount(payload)).Raw(Encoding.UTF8.GetBytes(payload));

    private static bool Append(EventsFrameBuilder builder, ulong position, string payload) =>
        builder.TryAppend(position, position * 10, DateTime.UnixEpoch.Ticks + (long)position, 4, Stream, position + 100, "Deposited"u8, 2, Encoding.UTF8.GetBytes(payload));

    [Fact]
    public void EventsFrameBuilder_TwoRecords_MatchesTheSpecLayoutAndParsesBack()
    {
        using var builder = new EventsFrameBuilder(1024 * 1024);
        builder.Reset(77);
        SpecBody spec = new SpecBody().U64(77).U32(2);
        byte[] expected = Record(Record(spec, 1, "{\"a\":1}"), 2, string.Empty).ToFrame(FrameKind.Events);

        Assert.True(Append(builder, 1, "{\"a\":1}"));
        Assert.True(Append(builder, 2, string.Empty));
        byte[] frame = builder.Frame.ToArray();
        bool parsed = ServerFrames.TryParseEvents(Body(frame, FrameKind.Events), out EventsFrame events);

        Assert.Equal(expected, frame);
        Assert.True(parsed);
        Assert.Equal((77UL, 2U), (events.RequestId, events.Count));
        var positions = new List<ulong>();
        while (events.TryReadNext(out EventRecordFrame record))
        {
            positions.Add(record.Position);
            Assert.Equal(record.Position * 10, record.CommandSequence);
            Assert.Equal(DateTime.UnixEpoch.Ticks + (long)record.Position, record.TimestampTicks);
            Assert.Equal(4UL, record.ProducerId);
            Assert.Equal(Stream, record.Stream.ToArray());
            Assert.Equal(record.Position + 100, record.StreamVersion);
            Assert.Equal("Deposited", Encoding.UTF8.GetString(record.Type));
            Assert.Equal((ushort)2, record.SchemaVersion);
        }

        Assert.Equal([1UL, 2UL], positions);
    }

    [Fact]
    public void EventsFrameBuilder_RecordsUpToTheMaximum_StopsBeforeTheFrameWouldBeTooLong()
    {
        const int MaxFrameLength = 4096;
        using var builder = new EventsFrameBuilder(MaxFrameLength);
        builder.Reset(1);
        string payload = new('p', 300);

        ulong position = 1;
        while (Append(builder, position, payload))
        {
            position++;
        }

        int frameLength = builder.Frame.Length - 4;
        long recordBytes = FrameWriter.EventRecordBytes(Stream.Length, "Deposited"u8.Length, 300);
        Assert.True(frameLength <= MaxFrameLength);
        Assert.True(frameLength + recordBytes > MaxFrameLength);
        Assert.Equal((int)(position - 1), builder.Count);
        Assert.True(ServerFrames.TryParseEvents(Body(builder.Frame.ToArray(), FrameKind.Events), out EventsFrame events));
        Assert.Equal((uint)builder.Count, events.Count);
    }

    [Fact]
    public void EventsFrameBuilder_RecordLargerThanAFrame_IsRefusedEvenAlone()
    {
        using var builder = new EventsFrameBuilder(256);
        builder.Reset(1);

        bool added = Append(builder, 1, new string('p', 300));

        Assert.False(added);
        Assert.Equal(0, builder.Count);
        Assert.True(builder.MaxRecordBytes < 300);
    }

    [Fact]
    public void EventsFrameBuilder_Reset_StartsAnEmptyFrameForTheNextRequest()
    {
        using var builder = new EventsFrameBuilder(4096);
        builder.Reset(1);
        Assert.True(Append(builder, 1, "x"));

        builder.Reset(2);
        Assert.True(Append(builder, 9, "y"));
        bool parsed = ServerFrames.TryParseEvents(Body(builder.Frame.ToArray(), FrameKind.Events), out EventsFrame events);

        Assert.True(parsed);
        Assert.Equal((2UL, 1U), (events.RequestId, events.Count));
        Assert.True(events.TryReadNext(out EventRecordFrame record));
        Assert.Equal(9UL, record.Position);
        Assert.False(events.TryReadNext(out _));
    }

    private static byte[] TwoRecordBody() => Record(Record(new SpecBody().U64(5).U32(2), 1, "ab"), 2, "cd").ToArray();

    [Fact]
    public void TryParseEvents_BodyEndsEarlyAtEveryByte_ReturnsFalse()
    {
        byte[] body = TwoRecordBody();

        Assert.True(ServerFrames.TryParseEvents(body, out _));
        for (int length = 0; length < body.Length; length++)
        {
            Assert.False(ServerFrames.TryParseEvents(body.AsSpan(0, length), out _), $"cut at {length}");
        }
    }

    [Fact]
    public void TryParseEvents_BytesAfterTheLastRecord_ReturnsFalse()
    {
        byte[] body = [.. TwoRecordBody(), 0];

        bool parsed = ServerFrames.TryParseEvents(body, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void TryParseEvents_CountZeroOrAboveTheRecords_ReturnsFalse()
    {
        byte[] zero = new SpecBody().U64(5).U32(0).ToArray();
        byte[] tooMany = TwoRecordBody();
        BinaryPrimitives.WriteUInt32LittleEndian(tooMany.AsSpan(8), 3);

        Assert.False(ServerFrames.TryParseEvents(zero, out _));
        Assert.False(ServerFrames.TryParseEvents(tooMany, out _));
    }

    [Fact]
    public void TryParseEvents_TypeNotUtf8_ReturnsFalse()
    {
        byte[] body = new SpecBody().U64(5).U32(1).U64(1).U64(1).U64(1).U64(0).Str("s").U64(1).Str([0xC3]).U16(1).U32(0).ToArray();

        bool parsed = ServerFrames.TryParseEvents(body, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void TryParseEvents_PayloadLengthBeyondTheBody_ReturnsFalse()
    {
        byte[] body = new SpecBody().U64(5).U32(1).U64(1).U64(1).U64(1).U64(0).Str("s").U64(1).Str("t").U16(1).U32(uint.MaxValue).ToArray();

        bool parsed = ServerFrames.TryParseEvents(body, out _);

        Assert.False(parsed);
    }
}
