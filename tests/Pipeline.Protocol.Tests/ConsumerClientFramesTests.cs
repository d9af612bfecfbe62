using System;
using System.Buffers.Binary;
using System.Text;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Protocol.Tests;

/// <summary>Protocol version 3, client frames: SUBSCRIBE, CREDIT, UNSUBSCRIBE, FETCH, COMMIT, CONSUMER_ADMIN, as docs/protocol.md draws them.</summary>
public sealed partial class ConsumerClientFramesTests
{
    private static SpecBody SubscribeBody(ulong id = 1, byte start = 1, ulong from = 0, uint credits = 1000, byte filter = 3, ulong producerId = 0, string key = "ledger.", string consumer = "balances") =>
        new SpecBody().U64(id).U8(start).U64(from).U32(credits).U8(filter).U64(producerId).Str(key).Str(consumer);

    private static SpecBody FetchBody(ulong requestId = 9, ulong from = 5, uint maxCount = 100, uint maxBytes = 65_536, uint maxWaitMs = 1_000, byte filter = 1, ulong producerId = 0, string key = "account-é") =>
        new SpecBody().U64(requestId).U64(from).U32(maxCount).U32(maxBytes).U32(maxWaitMs).U8(filter).U64(producerId).Str(key);

    private static SpecBody CommitBody(ulong requestId = 3, ulong position = 42, string consumer = "balances") =>
        new SpecBody().U64(requestId).U64(position).Str(consumer);

    private static SpecBody AdminBody(ulong requestId = 4, byte operation = 1, ulong position = 7, string consumer = "balances") =>
        new SpecBody().U64(requestId).U8(operation).U64(position).Str(consumer);

    private static byte[] Body(byte[] frame, FrameKind kind)
    {
        Assert.Equal(frame.Length - 4, (int)BinaryPrimitives.ReadUInt32LittleEndian(frame));
        Assert.Equal((byte)kind, frame[4]);
        return frame[FrameHeader.Size..];
    }

    [Fact]
    public void WriteSubscribe_DocsExample_WritesTheBytesThePageShows()
    {
        byte[] expected = Convert.FromHexString("32000000" + "06" + "0100000000000000" + "01" + "0000000000000000" + "E8030000"
            + "03" + "0000000000000000" + "0700" + "6C65646765722E" + "0800" + "62616C616E636573");

        byte[] written = FrameBytes.Build(w => FrameWriter.WriteSubscribe(w, 1, SubscriptionStart.Beginning, 0, 1000, EventFilterKind.TypePrefix, 0, "ledger."u8, "balances"u8));
        byte[] withFilter = FrameBytes.Build(w => FrameWriter.WriteSubscribe(w, 1, SubscriptionStart.Beginning, 0, 1000, new EventFilter(EventFilterKind.TypePrefix, 0, "ledger."u8), "balances"u8));

        Assert.Equal(expected, written);
        Assert.Equal(expected, withFilter);
        Assert.Equal(expected, SubscribeBody().ToFrame(FrameKind.Subscribe));
    }

    [Fact]
    public void TryParseSubscribe_DocsExample_ReadsEveryFieldAndIsValid()
    {
        byte[] body = SubscribeBody().ToArray();

        bool parsed = ClientFrames.TryParseSubscribe(body, out SubscribeFrame frame);

        Assert.True(parsed);
        Assert.Equal((1UL, SubscriptionStart.Beginning, 0UL, 1000U, EventFilterKind.TypePrefix, 0UL), (frame.SubscriptionId, frame.Start, frame.From, frame.Credits, frame.FilterKind, frame.ProducerId));
        Assert.Equal("ledger.", Encoding.UTF8.GetString(frame.Key));
        Assert.Equal("balances", Encoding.UTF8.GetString(frame.Consumer));
        Assert.True(frame.TryValidate(out string? error), error);
        Assert.Equal(new EventFilter(EventFilterKind.TypePrefix, 0, "ledger."u8), frame.CreateFilter());
        Assert.Equal(50, SubscribeBody().ToFrame(FrameKind.Subscribe).Length - 4); // the page's length: 35 + k + c
    }

    public static TheoryData<ulong, SubscriptionStart, ulong, uint, EventFilterKind, ulong, string, string> Subscribes => new()
    {
        { 0, SubscriptionStart.Beginning, 0, 0, EventFilterKind.None, 0, "", "" },
        { ulong.MaxValue, SubscriptionStart.End, 0, ConsumerLimits.MaxCredits, EventFilterKind.Stream, 0, "account-é", "a" },
        { 2, SubscriptionStart.StartAt, ulong.MaxValue, 1, EventFilterKind.StreamPrefix, 0, new string('s', 255), new string('c', 128) },
        { 3, SubscriptionStart.Checkpoint, 0, 17, EventFilterKind.Producer, ulong.MaxValue, "", "Proj_1.v-2" },
        { 4, SubscriptionStart.StartAt, 0, 17, EventFilterKind.TypePrefix, 0, "ledger.deposited", "" },
    };

    [Theory]
    [MemberData(nameof(Subscribes))]
    public void TryParseSubscribe_WrittenByFrameWriter_ReturnsTheSameFieldsInTheSpecLayout(ulong id, SubscriptionStart start, ulong from, uint credits, EventFilterKind filter, ulong producerId, string key, string consumer)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        byte[] consumerBytes = Encoding.UTF8.GetBytes(consumer);
        byte[] frame = FrameBytes.Build(w => FrameWriter.WriteSubscribe(w, id, start, from, credits, filter, producerId, keyBytes, consumerBytes));

        bool parsed = ClientFrames.TryParseSubscribe(Body(frame, FrameKind.Subscribe), out SubscribeFrame s);

        Assert.Equal(SubscribeBody(id, (byte)start, from, credits, (byte)filter, producerId, key, consumer).ToFrame(FrameKind.Subscribe), frame);
        Assert.Equal(35 + keyBytes.Length + consumerBytes.Length, frame.Length - 4);
        Assert.True(parsed);
        Assert.Equal((id, start, from, credits, filter, producerId), (s.SubscriptionId, s.Start, s.From, s.Credits, s.FilterKind, s.ProducerId));
        Assert.Equal(keyBytes, s.Key.ToArray());
        Assert.Equal(consumerBytes, s.Consumer.ToArray());
        Assert.True(s.TryValidate(out string? error), error);
    }

    [Theory]
    [InlineData(0UL, 0U)]
    [InlineData(ulong.MaxValue, 1U)]
    [InlineData(5UL, (uint)ConsumerLimits.MaxCredits)]
    [InlineData(5UL, uint.MaxValue)]
    public void TryParseCreditAndUnsubscribe_WrittenByFrameWriter_ReturnTheSameFieldsInTheSpecLayout(ulong id, uint credits)
    {
        byte[] credit = FrameBytes.Build(w => FrameWriter.WriteCredit(w, id, credits));
        byte[] unsubscribe = FrameBytes.Build(w => FrameWriter.WriteUnsubscribe(w, id));

        bool creditParsed = ClientFrames.TryParseCredit(Body(credit, FrameKind.Credit), out CreditFrame c);
        bool unsubscribeParsed = ClientFrames.TryParseUnsubscribe(Body(unsubscribe, FrameKind.Unsubscribe), out UnsubscribeFrame u);

        Assert.Equal(new SpecBody().U64(id).U32(credits).ToFrame(FrameKind.Credit), credit);
        Assert.Equal(new SpecBody().U64(id).ToFrame(FrameKind.Unsubscribe), unsubscribe);
        Assert.Equal((13, 9), (credit.Length - 4, unsubscribe.Length - 4));
        Assert.True(creditParsed);
        Assert.Equal((id, credits), (c.SubscriptionId, c.Credits));
        Assert.True(unsubscribeParsed);
        Assert.Equal(id, u.SubscriptionId);
    }

    public static TheoryData<ulong, ulong, uint, uint, uint, EventFilterKind, ulong, string> Fetches => new()
    {
        { 0, 0, 1, 1, 0, EventFilterKind.None, 0, "" },
        { ulong.MaxValue, ulong.MaxValue, ConsumerLimits.MaxFetchCount, ConsumerLimits.MaxFetchBytes, ConsumerLimits.MaxFetchWaitMs, EventFilterKind.Stream, 0, "account-é" },
        { 7, 1, 50, 4096, 250, EventFilterKind.StreamPrefix, 0, new string('s', 255) },
        { 8, 2, 50, 4096, 250, EventFilterKind.TypePrefix, 0, "ledger." },
        { 9, 3, 50, 4096, 250, EventFilterKind.Producer, 0, "" },
    };

    [Theory]
    [MemberData(nameof(Fetches))]
    public void TryParseFetch_WrittenByFrameWriter_ReturnsTheSameFieldsInTheSpecLayout(ulong requestId, ulong from, uint maxCount, uint maxBytes, uint maxWaitMs, EventFilterKind filter, ulong producerId, string key)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        byte[] frame = FrameBytes.Build(w => FrameWriter.WriteFetch(w, requestId, from, maxCount, maxBytes, maxWaitMs, filter, producerId, keyBytes));
        byte[] withFilter = FrameBytes.Build(w => FrameWriter.WriteFetch(w, requestId, from, maxCount, maxBytes, maxWaitMs, new EventFilter(filter, producerId, keyBytes)));

        bool parsed = ClientFrames.TryParseFetch(Body(frame, FrameKind.Fetch), out FetchFrame f);

        Assert.Equal(FetchBody(requestId, from, maxCount, maxBytes, maxWaitMs, (byte)filter, producerId, key).ToFrame(FrameKind.Fetch), frame);
        Assert.Equal(frame, withFilter);
        Assert.Equal(40 + keyBytes.Length, frame.Length - 4);
        Assert.True(parsed);
        Assert.Equal((requestId, from, maxCount, maxBytes, maxWaitMs, filter, producerId), (f.RequestId, f.From, f.MaxCount, f.MaxBytes, f.MaxWaitMs, f.FilterKind, f.ProducerId));
        Assert.Equal(keyBytes, f.Key.ToArray());
        Assert.True(f.TryValidate(out string? error), error);
        Assert.Equal(new EventFilter(filter, producerId, keyBytes), f.CreateFilter());
    }

    [Theory]
    [InlineData(0UL, 0UL, "a")]
    [InlineData(ulong.MaxValue, ulong.MaxValue, "balances")]
    [InlineData(1UL, 2UL, "ABCxyz019._-")]
    public void TryParseCommitAndConsumerAdmin_WrittenByFrameWriter_ReturnTheSameFieldsInTheSpecLayout(ulong requestId, ulong position, string consumer)
    {
        byte[] name = Encoding.UTF8.GetBytes(consumer);
        byte[] commit = FrameBytes.Build(w => FrameWriter.WriteCommit(w, requestId, position, name));
        byte[] reset = FrameBytes.Build(w => FrameWriter.WriteConsumerAdmin(w, requestId, ConsumerOperation.Reset, position, name));
        byte[] delete = FrameBytes.Build(w => FrameWriter.WriteConsumerAdmin(w, requestId, ConsumerOperation.Delete, 0, name));

        Assert.True(ClientFrames.TryParseCommit(Body(commit, FrameKind.Commit), out CommitFrame c));
        Assert.True(ClientFrames.TryParseConsumerAdmin(Body(reset, FrameKind.ConsumerAdmin), out ConsumerAdminFrame r));
        Assert.Equal((requestId, position, consumer), (c.RequestId, c.Position, Encoding.UTF8.GetString(c.Consumer)));
        Assert.Equal((requestId, ConsumerOperation.Reset, position, consumer), (r.RequestId, r.Operation, r.Position, Encoding.UTF8.GetString(r.Consumer)));
        Assert.True(c.TryValidate(out string? error), error);
        Assert.True(r.TryValidate(out error), error);
        Assert.True(ClientFrames.TryParseConsumerAdmin(Body(delete, FrameKind.ConsumerAdmin), out ConsumerAdminFrame d));
        Assert.Equal((ConsumerOperation.Delete, 0UL), (d.Operation, d.Position));
        Assert.True(d.TryValidate(out error), error);

        Assert.Equal(CommitBody(requestId, position, consumer).ToFrame(FrameKind.Commit), commit);
        Assert.Equal(AdminBody(requestId, 1, position, consumer).ToFrame(FrameKind.ConsumerAdmin), reset);
        Assert.Equal((19 + name.Length, 20 + name.Length), (commit.Length - 4, reset.Length - 4));
    }

    // MALFORMED: every cut, trailing bytes, bad UTF-8 in every string field, bad enum bytes.

    public static TheoryData<FrameKind> Kinds => new() { FrameKind.Subscribe, FrameKind.Credit, FrameKind.Unsubscribe, FrameKind.Fetch, FrameKind.Commit, FrameKind.ConsumerAdmin };

    private static byte[] ValidBody(FrameKind kind) => kind switch
    {
        FrameKind.Subscribe => SubscribeBody(id: 1, start: 3, from: 9, credits: 10, filter: 2, key: "acc-é", consumer: "c1").ToArray(),
        FrameKind.Credit => new SpecBody().U64(1).U32(5).ToArray(),
        FrameKind.Unsubscribe => new SpecBody().U64(1).ToArray(),
        FrameKind.Fetch => FetchBody().ToArray(),
        FrameKind.Commit => CommitBody().ToArray(),
        FrameKind.ConsumerAdmin => AdminBody().ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static bool TryParse(FrameKind kind, ReadOnlySpan<byte> body) => kind switch
    {
        FrameKind.Subscribe => ClientFrames.TryParseSubscribe(body, out _),
        FrameKind.Credit => ClientFrames.TryParseCredit(body, out _),
        FrameKind.Unsubscribe => ClientFrames.TryParseUnsubscribe(body, out _),
        FrameKind.Fetch => ClientFrames.TryParseFetch(body, out _),
        FrameKind.Commit => ClientFrames.TryParseCommit(body, out _),
        FrameKind.ConsumerAdmin => ClientFrames.TryParseConsumerAdmin(body, out _),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TryParse_BodyEndsEarlyAtEveryByte_ReturnsFalse(FrameKind kind)
    {
        byte[] body = ValidBody(kind);

        Assert.True(TryParse(kind, body));
        for (int length = 0; length < body.Length; length++)
        {
            Assert.False(TryParse(kind, body.AsSpan(0, length)), $"{kind} cut to {length} of {body.Length} bytes was accepted");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TryParse_TrailingBytes_ReturnsFalse(FrameKind kind)
    {
        byte[] body = [.. ValidBody(kind), 0];

        bool parsed = TryParse(kind, body);

        Assert.False(parsed);
    }

    public static TheoryData<string, string> StringFieldsWithInvalidUtf8
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string stringField in new[] { "subscribe.key", "subscribe.consumer", "fetch.key", "commit.consumer", "admin.consumer" })
            {
                foreach (string invalid in new[] { "FF", "80", "C080", "EDA080", "F4908080", "61C3" })
                {
                    data.Add(stringField, invalid);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(StringFieldsWithInvalidUtf8))]
    public void TryParse_InvalidUtf8InAStringField_ReturnsFalse(string field, string invalidHex)
    {
        byte[] bad = Convert.FromHexString(invalidHex);
        (FrameKind kind, byte[] body) = field switch
        {
            "subscribe.key" => (FrameKind.Subscribe, new SpecBody().U64(1).U8(1).U64(0).U32(1).U8(1).U64(0).Str(bad).Str("c").ToArray()),
            "subscribe.consumer" => (FrameKind.Subscribe, new SpecBody().U64(1).U8(1).U64(0).U32(1).U8(1).U64(0).Str("s").Str(bad).ToArray()),
            "fetch.key" => (FrameKind.Fetch, new SpecBody().U64(1).U64(1).U32(1).U32(1).U32(0).U8(1).U64(0).Str(bad).ToArray()),
            "commit.consumer" => (FrameKind.Commit, new SpecBody().U64(1).U64(1).Str(bad).ToArray()),
            _ => (FrameKind.ConsumerAdmin, new SpecBody().U64(1).U8(1).U64(1).Str(bad).ToArray()),
        };

        bool parsed = TryParse(kind, body);

        Assert.False(parsed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(0x80)]
    [InlineData(255)]
    public void TryParseSubscribe_StartOutside1To4_ReturnsFalse(byte start)
    {
        byte[] body = SubscribeBody(start: start).ToArray();

        bool parsed = ClientFrames.TryParseSubscribe(body, out _);

        Assert.False(parsed);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(0x80)]
    [InlineData(255)]
    public void TryParseSubscribeAndFetch_FilterAbove4_ReturnFalse(byte filter)
    {
        byte[] subscribe = SubscribeBody(filter: filter, key: string.Empty).ToArray();
        byte[] fetch = FetchBody(filter: filter, key: string.Empty).ToArray();

        Assert.False(ClientFrames.TryParseSubscribe(subscribe, out _));
        Assert.False(ClientFrames.TryParseFetch(fetch, out _));
    }

    [Fact]
    public void TryParse_EveryStartAndFilterByteInTheGrammar_ReturnsTrue()
    {
        for (byte start = 1; start <= 4; start++)
        {
            Assert.True(ClientFrames.TryParseSubscribe(SubscribeBody(start: start).ToArray(), out SubscribeFrame s), $"start {start}");
            Assert.Equal((SubscriptionStart)start, s.Start);
        }

        for (byte filter = 0; filter <= 4; filter++)
        {
            Assert.True(ClientFrames.TryParseSubscribe(SubscribeBody(filter: filter).ToArray(), out SubscribeFrame s), $"filter {filter}");
            Assert.True(ClientFrames.TryParseFetch(FetchBody(filter: filter).ToArray(), out FetchFrame f), $"filter {filter}");
            Assert.Equal(((EventFilterKind)filter, (EventFilterKind)filter), (s.FilterKind, f.FilterKind));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(0x81)]
    [InlineData(255)]
    public void TryParseConsumerAdmin_OperationOutside1To2_ReturnsFalse(byte operation)
    {
        byte[] body = AdminBody(operation: operation).ToArray();

        bool parsed = ClientFrames.TryParseConsumerAdmin(body, out _);

        Assert.False(parsed);
    }

    [Theory]
    [InlineData("subscribe.key")]
    [InlineData("subscribe.consumer")]
    [InlineData("fetch.key")]
    [InlineData("commit.consumer")]
    [InlineData("admin.consumer")]
    public void TryParse_StringLengthBeyondTheBody_ReturnsFalse(string field)
    {
        (FrameKind kind, byte[] body) = field switch
        {
            "subscribe.key" => (FrameKind.Subscribe, new SpecBody().U64(1).U8(1).U64(0).U32(1).U8(1).U64(0).U16(40).Raw("s"u8.ToArray()).Str("c").ToArray()),
            "subscribe.consumer" => (FrameKind.Subscribe, new SpecBody().U64(1).U8(1).U64(0).U32(1).U8(1).U64(0).Str("s").U16(2).Raw("c"u8.ToArray()).ToArray()),
            "fetch.key" => (FrameKind.Fetch, new SpecBody().U64(1).U64(1).U32(1).U32(1).U32(0).U8(1).U64(0).U16(ushort.MaxValue).Raw("s"u8.ToArray()).ToArray()),
            "commit.consumer" => (FrameKind.Commit, new SpecBody().U64(1).U64(1).U16(9).Raw("balances"u8.ToArray()).ToArray()),
            _ => (FrameKind.ConsumerAdmin, new SpecBody().U64(1).U8(1).U64(1).U16(9).Raw("balances"u8.ToArray()).ToArray()),
        };

        bool parsed = TryParse(kind, body);

        Assert.False(parsed);
    }
}
