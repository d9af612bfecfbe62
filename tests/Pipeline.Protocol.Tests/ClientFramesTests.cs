using System;
using System.Buffers.Binary;
using System.Text;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Protocol.Tests;

public sealed partial class ClientFramesTests
{
    /// <summary>Strings by name, so that test names stay short: empty, ASCII, mixed UTF-8, and 65535 bytes of each.</summary>
    internal static string Text(string which) => which switch
    {
        "empty" => string.Empty,
        "ascii" => "ledger.balance",
        "utf8" => "Grüße, 世界 😀 ✓",
        "max-ascii" => new string('x', ushort.MaxValue),
        "max-utf8" => new string('世', ushort.MaxValue / 3),
        _ => throw new ArgumentOutOfRangeException(nameof(which), which, "unknown text"),
    };

    public static TheoryData<ushort, ulong, string> Hellos => new()
    {
        { 1, 0, "empty" },
        { 0, ulong.MaxValue, "ascii" },
        { ushort.MaxValue, 1, "utf8" },
        { 1, 42, "max-ascii" },
        { 1, 42, "max-utf8" },
    };

    [Theory]
    [MemberData(nameof(Hellos))]
    public void TryParseHello_WrittenByFrameWriter_ReturnsTheSameFields(ushort version, ulong producerId, string name)
    {
        string clientName = Text(name);
        byte[] body = Body(FrameBytes.Build(w => FrameWriter.WriteHello(w, version, producerId, clientName)), FrameKind.Hello);

        bool parsed = ClientFrames.TryParseHello(body, out HelloFrame hello);

        Assert.True(parsed);
        Assert.Equal(version, hello.Version);
        Assert.Equal(producerId, hello.ProducerId);
        Assert.Equal(clientName, Encoding.UTF8.GetString(hello.ClientName));
    }

    public static TheoryData<ulong, string, ushort, int> Publishes => new()
    {
        { 0, "empty", 0, 0 },
        { ulong.MaxValue, "ascii", ushort.MaxValue, 1 },
        { 1, "utf8", 1, 1000 },
        { 2, "max-ascii", 1, 0 },
        { 3, "max-utf8", 1, 300_000 },
    };

    [Theory]
    [MemberData(nameof(Publishes))]
    public void TryParsePublish_WrittenByFrameWriter_ReturnsTheSameFields(ulong producerSequence, string type, ushort schemaVersion, int payloadBytes)
    {
        byte[] typeBytes = Encoding.UTF8.GetBytes(Text(type));
        byte[] payload = Pattern(payloadBytes);
        byte[] body = Body(FrameBytes.Build(w => FrameWriter.WritePublish(w, producerSequence, typeBytes, schemaVersion, payload)), FrameKind.Publish);

        bool parsed = ClientFrames.TryParsePublish(body, out PublishFrame publish);

        Assert.True(parsed);
        Assert.Equal(producerSequence, publish.ProducerSequence);
        Assert.Equal(typeBytes, publish.Type.ToArray());
        Assert.Equal(schemaVersion, publish.SchemaVersion);
        Assert.Equal(payload, publish.Payload.ToArray());
    }

    public static TheoryData<ulong, string, ulong, string> Queries => new()
    {
        { 0, "empty", 0, "empty" },
        { ulong.MaxValue, "ascii", ulong.MaxValue, "utf8" },
        { 5, "utf8", 17, "ascii" },
        { 6, "max-ascii", 1, "max-utf8" },
        { 7, "max-utf8", 2, "max-ascii" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void TryParseQuery_WrittenByFrameWriter_ReturnsTheSameFields(ulong requestId, string name, ulong minSequence, string args)
    {
        string nameText = Text(name);
        string argsText = Text(args);
        byte[] body = Body(FrameBytes.Build(w => FrameWriter.WriteQuery(w, requestId, nameText, minSequence, argsText)), FrameKind.Query);

        bool parsed = ClientFrames.TryParseQuery(body, out QueryFrame query);

        Assert.True(parsed);
        Assert.Equal(requestId, query.RequestId);
        Assert.Equal(nameText, Encoding.UTF8.GetString(query.Name));
        Assert.Equal(minSequence, query.MinSequence);
        Assert.Equal(argsText, Encoding.UTF8.GetString(query.Args));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(ulong.MaxValue)]
    public void TryParsePing_WrittenByFrameWriter_ReturnsTheSameNonce(ulong nonce)
    {
        byte[] body = Body(FrameBytes.Ping(nonce), FrameKind.Ping);

        bool parsed = ClientFrames.TryParsePing(body, out ulong parsedNonce);

        Assert.True(parsed);
        Assert.Equal(nonce, parsedNonce);
    }

    [Fact]
    public void TryParse_SpecLayouts_ReadEveryFieldWhereTheSpecPutsIt()
    {
        byte[] hello = new SpecBody().U16(1).U64(0x0102030405060708).Str("cli").ToArray();
        byte[] publish = new SpecBody().U64(9).Str("t.x").U16(3).U32(2).Raw([0xAB, 0xCD]).ToArray();
        byte[] query = new SpecBody().U64(11).Str("q").U64(12).Str("{}").ToArray();
        byte[] ping = new SpecBody().U64(13).ToArray();

        bool helloParsed = ClientFrames.TryParseHello(hello, out HelloFrame h);
        bool publishParsed = ClientFrames.TryParsePublish(publish, out PublishFrame p);
        bool queryParsed = ClientFrames.TryParseQuery(query, out QueryFrame q);
        bool pingParsed = ClientFrames.TryParsePing(ping, out ulong nonce);

        Assert.True(helloParsed && publishParsed && queryParsed && pingParsed);
        Assert.Equal((1, 0x0102030405060708UL, "cli"), (h.Version, h.ProducerId, Encoding.UTF8.GetString(h.ClientName)));
        Assert.Equal((9UL, "t.x", (ushort)3), (p.ProducerSequence, Encoding.UTF8.GetString(p.Type), p.SchemaVersion));
        Assert.Equal(new byte[] { 0xAB, 0xCD }, p.Payload.ToArray());
        Assert.Equal((11UL, "q", 12UL, "{}"), (q.RequestId, Encoding.UTF8.GetString(q.Name), q.MinSequence, Encoding.UTF8.GetString(q.Args)));
        Assert.Equal(13UL, nonce);
    }

    // Valid bodies with every field non-empty, so that every cut lands inside or between fields.
    private static byte[] ValidBody(FrameKind kind) => kind switch
    {
        FrameKind.Hello => new SpecBody().U16(1).U64(77).Str("client-é").ToArray(),
        FrameKind.Publish => new SpecBody().U64(5).Str("ledger.open").U16(1).U32(3).Raw([(byte)'{', (byte)' ', (byte)'}']).ToArray(),
        FrameKind.Query => new SpecBody().U64(8).Str("ledger.balance").U64(99).Str("{\"account\":\"ä\"}").ToArray(),
        FrameKind.Ping => new SpecBody().U64(123).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static bool TryParse(FrameKind kind, byte[] body) => kind switch
    {
        FrameKind.Hello => ClientFrames.TryParseHello(body, out _),
        FrameKind.Publish => ClientFrames.TryParsePublish(body, out _),
        FrameKind.Query => ClientFrames.TryParseQuery(body, out _),
        FrameKind.Ping => ClientFrames.TryParsePing(body, out _),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static TheoryData<FrameKind> ClientKinds => new() { FrameKind.Hello, FrameKind.Publish, FrameKind.Query, FrameKind.Ping };

    [Theory]
    [MemberData(nameof(ClientKinds))]
    public void TryParse_ValidBody_ReturnsTrue(FrameKind kind)
    {
        byte[] body = ValidBody(kind);

        bool parsed = TryParse(kind, body);

        Assert.True(parsed);
    }

    [Theory]
    [MemberData(nameof(ClientKinds))]
    public void TryParse_BodyEndsEarlyAtEveryByte_ReturnsFalse(FrameKind kind)
    {
        byte[] body = ValidBody(kind);

        for (int length = 0; length < body.Length; length++)
        {
            bool parsed = TryParse(kind, body[..length]);

            Assert.False(parsed, $"{kind} cut to {length} of {body.Length} bytes was accepted");
        }
    }

    [Theory]
    [MemberData(nameof(ClientKinds))]
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
            foreach (string stringField in new[] { "hello.client_name", "publish.type", "query.name", "query.args" })
            {
                foreach (string invalid in new[] { "FF", "80", "C080", "E282", "EDA080", "F4908080", "61C3" })
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
        byte[] invalid = Convert.FromHexString(invalidHex);
        (FrameKind kind, byte[] body) = field switch
        {
            "hello.client_name" => (FrameKind.Hello, new SpecBody().U16(1).U64(1).Str(invalid).ToArray()),
            "publish.type" => (FrameKind.Publish, new SpecBody().U64(1).Str(invalid).U16(1).U32(0).ToArray()),
            "query.name" => (FrameKind.Query, new SpecBody().U64(1).Str(invalid).U64(0).Str("{}").ToArray()),
            _ => (FrameKind.Query, new SpecBody().U64(1).Str("ledger.totals").U64(0).Str(invalid).ToArray()),
        };

        bool parsed = TryParse(kind, body);

        Assert.False(parsed);
    }

    [Theory]
    [InlineData(4u)]
    [InlineData(1000u)]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(0x8000_0000u)]
    [InlineData(uint.MaxValue)]
    public void TryParsePublish_PayloadLengthBeyondTheBody_ReturnsFalse(uint payloadLength)
    {
        byte[] body = new SpecBody().U64(1).Str("t").U16(1).U32(payloadLength).Raw([1, 2, 3]).ToArray();

        bool parsed = ClientFrames.TryParsePublish(body, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void TryParsePublish_PayloadLengthShorterThanTheRest_ReturnsFalse()
    {
        byte[] body = new SpecBody().U64(1).Str("t").U16(1).U32(2).Raw([1, 2, 3]).ToArray();

        bool parsed = ClientFrames.TryParsePublish(body, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void TryParsePublish_EmptyTypeAndPayload_ReturnsTrue()
    {
        byte[] body = new SpecBody().U64(1).Str(string.Empty).U16(1).U32(0).ToArray();

        bool parsed = ClientFrames.TryParsePublish(body, out PublishFrame publish);

        Assert.True(parsed);
        Assert.True(publish.Type.IsEmpty);
        Assert.True(publish.Payload.IsEmpty);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("publish")]
    [InlineData("query.name")]
    [InlineData("query.args")]
    public void TryParse_StringLengthBeyondTheBody_ReturnsFalse(string field)
    {
        // The string claims more bytes than the rest of the body holds.
        (FrameKind kind, byte[] body) = field switch
        {
            "hello" => (FrameKind.Hello, new SpecBody().U16(1).U64(1).U16(4).Raw("abc"u8.ToArray()).ToArray()),
            "publish" => (FrameKind.Publish, new SpecBody().U64(1).U16(20).Raw("t"u8.ToArray()).U16(1).U32(0).ToArray()),
            "query.name" => (FrameKind.Query, new SpecBody().U64(1).U16(30).Raw("q"u8.ToArray()).U64(0).Str("{}").ToArray()),
            _ => (FrameKind.Query, new SpecBody().U64(1).Str("q").U64(0).U16(3).Raw("{}"u8.ToArray()).ToArray()),
        };

        bool parsed = TryParse(kind, body);

        Assert.False(parsed);
    }

    private static byte[] Body(byte[] frame, FrameKind expectedKind)
    {
        Assert.Equal(FrameStatus.Complete, FrameHeader.TryRead(frame, int.MaxValue, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes));
        Assert.Equal((byte)expectedKind, kind);
        Assert.Equal(frame.Length, frameBytes);
        Assert.Equal((uint)(frame.Length - sizeof(uint)), BinaryPrimitives.ReadUInt32LittleEndian(frame));
        return body.ToArray();
    }

    private static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + 7);
        }

        return bytes;
    }
}
