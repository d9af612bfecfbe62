using System;
using System.Buffers.Binary;
using Pipeline.Protocol;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Protocol.Tests;

public sealed class FrameHeaderTests
{
    private const int MaxFrameLength = 64;

    private static byte[] SamplePublish() => FrameBytes.Publish(7, "ledger.deposit", [1, 2, 3, 4, 5]);

    [Fact]
    public void TryRead_EveryPrefixOfAFrame_ReturnsNeedMore()
    {
        byte[] frame = SamplePublish();

        for (int length = 0; length < frame.Length; length++)
        {
            FrameStatus status = FrameHeader.TryRead(frame.AsSpan(0, length), MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);

            Assert.Equal(FrameStatus.NeedMore, status);
            Assert.Equal(0, kind);
            Assert.True(body.IsEmpty);
            Assert.Equal(0, frameBytes);
        }
    }

    [Fact]
    public void TryRead_WholeFrame_ReturnsCompleteWithKindBodyAndSize()
    {
        byte[] frame = SamplePublish();

        FrameStatus status = FrameHeader.TryRead(frame, MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);

        Assert.Equal(FrameStatus.Complete, status);
        Assert.Equal((byte)FrameKind.Publish, kind);
        Assert.Equal(frame.Length, frameBytes);
        Assert.Equal(frame.AsSpan(FrameHeader.Size).ToArray(), body.ToArray());
    }

    [Fact]
    public void TryRead_TwoFramesInTheBuffer_ReadsOnlyTheFirst()
    {
        byte[] first = FrameBytes.Ping(1);
        byte[] second = SamplePublish();
        byte[] buffer = FrameBytes.Concat(first, second);

        FrameStatus status1 = FrameHeader.TryRead(buffer, MaxFrameLength, out byte kind1, out ReadOnlySpan<byte> body1, out int frameBytes1);
        byte[] body1Copy = body1.ToArray();
        FrameStatus status2 = FrameHeader.TryRead(buffer.AsSpan(frameBytes1), MaxFrameLength, out byte kind2, out _, out int frameBytes2);

        Assert.Equal(FrameStatus.Complete, status1);
        Assert.Equal((byte)FrameKind.Ping, kind1);
        Assert.Equal(first.Length, frameBytes1);
        Assert.Equal(first.AsSpan(FrameHeader.Size).ToArray(), body1Copy);
        Assert.Equal(FrameStatus.Complete, status2);
        Assert.Equal((byte)FrameKind.Publish, kind2);
        Assert.Equal(second.Length, frameBytes2);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(MaxFrameLength + 1u)]
    [InlineData(0x8000_0000u)]
    [InlineData(uint.MaxValue)]
    public void TryRead_LengthZeroOrAboveTheMaximum_ReturnsBadLengthFromTheLengthFieldAlone(uint length)
    {
        byte[] lengthOnly = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(lengthOnly, length);

        FrameStatus status = FrameHeader.TryRead(lengthOnly, MaxFrameLength, out _, out _, out int frameBytes);

        Assert.Equal(FrameStatus.BadLength, status);
        Assert.Equal(0, frameBytes);
    }

    [Fact]
    public void TryRead_LengthAboveTheMaximumWithTheBodyPresent_ReturnsBadLength()
    {
        byte[] frame = FrameBytes.Raw(MaxFrameLength + 1, (byte)FrameKind.Publish, new byte[MaxFrameLength]);

        FrameStatus status = FrameHeader.TryRead(frame, MaxFrameLength, out _, out _, out _);

        Assert.Equal(FrameStatus.BadLength, status);
    }

    [Fact]
    public void TryRead_LengthExactlyTheMaximum_ReturnsComplete()
    {
        byte[] frame = FrameBytes.Raw(MaxFrameLength, (byte)FrameKind.Publish, new byte[MaxFrameLength - 1]);

        FrameStatus status = FrameHeader.TryRead(frame, MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);

        Assert.Equal(FrameStatus.Complete, status);
        Assert.Equal((byte)FrameKind.Publish, kind);
        Assert.Equal(MaxFrameLength - 1, body.Length);
        Assert.Equal(sizeof(uint) + MaxFrameLength, frameBytes);
    }

    [Fact]
    public void TryRead_LengthExactlyTheMaximumWithTheLastByteMissing_ReturnsNeedMore()
    {
        byte[] frame = FrameBytes.Raw(MaxFrameLength, (byte)FrameKind.Publish, new byte[MaxFrameLength - 1]);

        FrameStatus status = FrameHeader.TryRead(frame.AsSpan(0, frame.Length - 1), MaxFrameLength, out _, out _, out _);

        Assert.Equal(FrameStatus.NeedMore, status);
    }

    [Fact]
    public void TryRead_LengthOne_ReturnsTheKindWithAnEmptyBody()
    {
        byte[] frame = FrameBytes.Raw(1, 0x7E, []);

        FrameStatus status = FrameHeader.TryRead(frame, MaxFrameLength, out byte kind, out ReadOnlySpan<byte> body, out int frameBytes);

        Assert.Equal(FrameStatus.Complete, status);
        Assert.Equal(0x7E, kind);
        Assert.True(body.IsEmpty);
        Assert.Equal(FrameHeader.Size, frameBytes);
    }

    [Fact]
    public void TryRead_LengthBytesInLittleEndianOrder_CountsTheBody()
    {
        byte[] frame = [3, 0, 0, 0, (byte)FrameKind.Ping, 0xAA, 0xBB, 0xCC];

        FrameStatus status = FrameHeader.TryRead(frame, MaxFrameLength, out _, out ReadOnlySpan<byte> body, out int frameBytes);

        Assert.Equal(FrameStatus.Complete, status);
        Assert.Equal(new byte[] { 0xAA, 0xBB }, body.ToArray());
        Assert.Equal(7, frameBytes);
    }
}
