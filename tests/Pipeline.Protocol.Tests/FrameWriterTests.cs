using System;
using System.Buffers;
using System.Text;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Protocol.Tests;

public sealed class FrameWriterTests
{
    [Fact]
    public void Write_EveryFrameKind_MatchesTheSpecLayoutByteForByte()
    {
        (byte[] Written, byte[] Spec)[] frames =
        [
            (FrameBytes.Hello(0x1122334455667788, "cli"), new SpecBody().U16(1).U64(0x1122334455667788).Str("cli").ToFrame(FrameKind.Hello)),
            (FrameBytes.Publish(3, "t.x", [9, 8, 7], 2), new SpecBody().U64(3).Str("t.x").U16(2).U32(3).Raw([9, 8, 7]).ToFrame(FrameKind.Publish)),
            (FrameBytes.Query(4, "q.n", 5, "{}"), new SpecBody().U64(4).Str("q.n").U64(5).Str("{}").ToFrame(FrameKind.Query)),
            (FrameBytes.Ping(6), new SpecBody().U64(6).ToFrame(FrameKind.Ping)),
            (FrameBytes.Build(w => FrameWriter.WritePong(w, 7)), new SpecBody().U64(7).ToFrame(FrameKind.Pong)),
            (FrameBytes.Build(w => FrameWriter.WriteWelcome(w, 1, 8, 9, 10)), new SpecBody().U16(1).U64(8).U64(9).U64(10).ToFrame(FrameKind.Welcome)),
            (FrameBytes.Build(w => FrameWriter.WriteAck(w, 11, 12, AckStatus.Rejected, "why")), new SpecBody().U64(11).U64(12).U8(1).Str("why").ToFrame(FrameKind.Ack)),
            (FrameBytes.Build(w => FrameWriter.WriteResult(w, 13, 14, ResultStatus.Timeout, "{}")), new SpecBody().U64(13).U64(14).U8(3).Str("{}").ToFrame(FrameKind.Result)),
            (FrameBytes.Build(w => FrameWriter.WriteError(w, ErrorCode.TooManyConnections, "full")), new SpecBody().U16(7).Str("full").ToFrame(FrameKind.Error)),
        ];

        foreach ((byte[] written, byte[] spec) in frames)
        {
            Assert.Equal(spec, written);
        }
    }

    [Theory]
    [InlineData(0UL, 0UL, 0UL, (ushort)0)]
    [InlineData(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ushort.MaxValue)]
    [InlineData(7UL, 41UL, 99UL, (ushort)1)]
    public void WriteWelcome_Values_ReadBackUnchanged(ulong producerId, ulong last, ulong head, ushort version)
    {
        ReceivedFrame frame = Read(FrameBytes.Build(w => FrameWriter.WriteWelcome(w, version, producerId, last, head)));

        (ushort Version, ulong ProducerId, ulong LastProducerSequence, ulong HeadSequence) welcome = frame.AsWelcome();

        Assert.Equal((version, producerId, last, head), welcome);
    }

    public static TheoryData<ulong, ulong, AckStatus, string> Acks => new()
    {
        { 0, 0, AckStatus.Ok, "empty" },
        { ulong.MaxValue, ulong.MaxValue, AckStatus.Rejected, "ascii" },
        { 1, 2, AckStatus.Duplicate, "utf8" },
        { 3, 0, AckStatus.Invalid, "max-ascii" },
        { 4, 5, AckStatus.Ok, "max-utf8" },
    };

    [Theory]
    [MemberData(nameof(Acks))]
    public void WriteAck_Values_ReadBackUnchanged(ulong producerSequence, ulong sequence, AckStatus status, string detail)
    {
        string text = ClientFramesTests.Text(detail);
        ReceivedFrame frame = Read(FrameBytes.Build(w => FrameWriter.WriteAck(w, producerSequence, sequence, status, text)));

        (ulong ProducerSequence, ulong Sequence, AckStatus Status, string Detail) ack = frame.AsAck();

        Assert.Equal((producerSequence, sequence, status, text), ack);
    }

    public static TheoryData<ulong, ulong, ResultStatus, string> Results => new()
    {
        { 0, 0, ResultStatus.Ok, "empty" },
        { ulong.MaxValue, ulong.MaxValue, ResultStatus.NotFound, "ascii" },
        { 1, 2, ResultStatus.BadRequest, "utf8" },
        { 3, 4, ResultStatus.Timeout, "max-ascii" },
        { 5, 6, ResultStatus.Ok, "max-utf8" },
    };

    [Theory]
    [MemberData(nameof(Results))]
    public void WriteResult_Values_ReadBackUnchanged(ulong requestId, ulong sequence, ResultStatus status, string body)
    {
        string text = ClientFramesTests.Text(body);
        ReceivedFrame frame = Read(FrameBytes.Build(w => FrameWriter.WriteResult(w, requestId, sequence, status, text)));

        (ulong RequestId, ulong Sequence, ResultStatus Status, string Body) result = frame.AsResult();

        Assert.Equal((requestId, sequence, status, text), result);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(ulong.MaxValue)]
    public void WritePong_Nonce_ReadsBackUnchanged(ulong nonce)
    {
        ReceivedFrame frame = Read(FrameBytes.Build(w => FrameWriter.WritePong(w, nonce)));

        ulong read = frame.AsNonce();

        Assert.Equal(FrameKind.Pong, frame.Kind);
        Assert.Equal(nonce, read);
    }

    public static TheoryData<ErrorCode, string> Errors => new()
    {
        { ErrorCode.BadFrame, "empty" },
        { ErrorCode.TooManyConnections, "utf8" },
        { (ErrorCode)ushort.MaxValue, "max-ascii" },
        { ErrorCode.Malformed, "max-utf8" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void WriteError_Values_ReadBackUnchanged(ErrorCode code, string message)
    {
        string text = ClientFramesTests.Text(message);
        ReceivedFrame frame = Read(FrameBytes.Build(w => FrameWriter.WriteError(w, code, text)));

        (ErrorCode Code, string Message) error = frame.AsError();

        Assert.Equal((code, text), error);
    }

    [Fact]
    public void WritePublish_TypeLongerThan65535Bytes_Throws()
    {
        var writer = new ArrayBufferWriter<byte>();
        byte[] type = new byte[FrameWriter.MaxStringBytes + 1];

        ArgumentOutOfRangeException thrown = Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WritePublish(writer, 1, type, 1, []));

        Assert.Equal("type", thrown.ParamName);
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public void WriteHello_NameWithALoneSurrogate_WritesTheReplacementCharacterAsValidUtf8()
    {
        string name = "a\uD800b";

        ReceivedFrame frame = Read(FrameBytes.Hello(1, name));

        Assert.Equal("a\uFFFDb", frame.AsHello().ClientName);
    }

    /// <summary>Texts longer than the format's 65535 bytes, each with a different character at the cut.</summary>
    public static TheoryData<string> LongTexts => new()
    {
        "ascii-65536",
        "ascii-then-3-byte-char-across-the-limit",
        "ascii-then-surrogate-pair-across-the-limit",
        "ascii-then-surrogate-pair-ending-at-the-limit",
        "3-byte-chars",
        "surrogate-pairs",
        "ascii-then-lone-surrogate-across-the-limit",
        "one-mebibyte-mixed",
    };

    private static string LongText(string which) => which switch
    {
        "ascii-65536" => new string('a', 65_536),
        "ascii-then-3-byte-char-across-the-limit" => new string('a', 65_534) + "€",
        "ascii-then-surrogate-pair-across-the-limit" => new string('a', 65_533) + "😀",
        "ascii-then-surrogate-pair-ending-at-the-limit" => new string('a', 65_531) + "😀😀",
        "3-byte-chars" => new string('世', 21_846),
        "surrogate-pairs" => string.Concat(System.Linq.Enumerable.Repeat("😀", 16_384)),
        "ascii-then-lone-surrogate-across-the-limit" => new string('a', 65_533) + "\uD800b",
        "one-mebibyte-mixed" => string.Concat(System.Linq.Enumerable.Repeat("aé世😀", 1024 * 1024 / 10)),
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    public static TheoryData<string, string> WritersAndLongTexts
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string stringField in new[] { "hello.client_name", "query.name", "query.args", "ack.detail", "result.body", "error.message" })
            {
                foreach (string text in LongTexts)
                {
                    data.Add(stringField, text);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(WritersAndLongTexts))]
    public void Write_StringLongerThan65535Bytes_CutsAtACharacterBoundary(string field, string which)
    {
        string text = LongText(which);

        byte[] frame = field switch
        {
            "hello.client_name" => FrameBytes.Hello(1, text),
            "query.name" => FrameBytes.Query(1, text, 0, "{}"),
            "query.args" => FrameBytes.Query(1, "q", 0, text),
            "ack.detail" => FrameBytes.Build(w => FrameWriter.WriteAck(w, 1, 2, AckStatus.Invalid, text)),
            "result.body" => FrameBytes.Build(w => FrameWriter.WriteResult(w, 1, 2, ResultStatus.Ok, text)),
            _ => FrameBytes.Build(w => FrameWriter.WriteError(w, ErrorCode.Malformed, text)),
        };

        ReceivedFrame read = Read(frame);
        string written = field switch
        {
            "hello.client_name" => read.AsHello().ClientName,
            "query.name" => read.AsQuery().Name,
            "query.args" => read.AsQuery().Args,
            "ack.detail" => read.AsAck().Detail,
            "result.body" => read.AsResult().Body,
            _ => read.AsError().Message,
        };
        Assert.Equal(LongestPrefixThatFits(text), written);
    }

    // The expected cut, computed independently: whole characters (a surrogate pair is one; a lone surrogate becomes
    // U+FFFD, 3 bytes) while they fit in 65535 bytes.
    private static string LongestPrefixThatFits(string text)
    {
        var builder = new StringBuilder();
        int bytes = 0;
        int at = 0;
        while (at < text.Length)
        {
            int chars = char.IsHighSurrogate(text[at]) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]) ? 2 : 1;
            string character = text.Substring(at, chars);
            if (chars == 1 && char.IsSurrogate(text[at]))
            {
                character = "\uFFFD";
            }

            int length = Encoding.UTF8.GetByteCount(character);
            if (bytes + length > FrameWriter.MaxStringBytes)
            {
                break;
            }

            builder.Append(character);
            bytes += length;
            at += chars;
        }

        return builder.ToString();
    }

    // The frame is whole (its length field counts exactly what was written), then decoded strictly: every string must
    // be valid UTF-8 and the body must end where the last field ends.
    private static ReceivedFrame Read(byte[] frame)
    {
        FrameStatus status = FrameHeader.TryRead(frame, int.MaxValue, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);
        Assert.Equal(FrameStatus.Complete, status);
        Assert.Equal(frame.Length, frameBytes);
        return new ReceivedFrame((FrameKind)kind, body.ToArray());
    }
}
