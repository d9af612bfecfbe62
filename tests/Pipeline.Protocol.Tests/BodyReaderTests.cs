using System;
using Pipeline.Protocol;
using Xunit;

namespace Pipeline.Protocol.Tests;

public sealed class BodyReaderTests
{
    [Fact]
    public void TryReadUInt64_EightBytes_ReadsLittleEndian()
    {
        var reader = new BodyReader([1, 2, 3, 4, 5, 6, 7, 8]);

        bool read = reader.TryReadUInt64(out ulong value);

        Assert.True(read);
        Assert.Equal(0x0807060504030201UL, value);
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void TryRead_TooFewBytes_ReturnsFalseAndConsumesNothing()
    {
        var reader = new BodyReader([0x34, 0x12, 0x56]);

        bool u64 = reader.TryReadUInt64(out ulong value64);
        bool u32 = reader.TryReadUInt32(out uint value32);
        bool u16 = reader.TryReadUInt16(out ushort value16);
        bool u8 = reader.TryReadByte(out byte value8);
        bool past = reader.TryReadByte(out _);

        Assert.False(u64);
        Assert.Equal(0UL, value64);
        Assert.False(u32);
        Assert.Equal(0u, value32);
        Assert.True(u16);
        Assert.Equal(0x1234, value16);
        Assert.True(u8);
        Assert.Equal(0x56, value8);
        Assert.False(past);
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void TryReadString_EmptyString_ReturnsEmpty()
    {
        var reader = new BodyReader([0, 0]);

        bool read = reader.TryReadString(out ReadOnlySpan<byte> text);

        Assert.True(read);
        Assert.True(text.IsEmpty);
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void TryReadString_LengthBeyondTheBody_ReturnsFalse()
    {
        var reader = new BodyReader([3, 0, (byte)'a', (byte)'b']);

        bool read = reader.TryReadString(out ReadOnlySpan<byte> text);

        Assert.False(read);
        Assert.True(text.IsEmpty);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public void TryReadString_InvalidUtf8_ReturnsFalse(byte[] invalid)
    {
        byte[] body = new byte[2 + invalid.Length];
        body[0] = (byte)invalid.Length;
        invalid.CopyTo(body, 2);
        var reader = new BodyReader(body);

        bool read = reader.TryReadString(out ReadOnlySpan<byte> text);

        Assert.False(read);
        Assert.True(text.IsEmpty);
    }

    [Fact]
    public void TryReadBytes_NegativeOrTooMany_ReturnsFalse()
    {
        var reader = new BodyReader([1, 2, 3]);

        bool negative = reader.TryReadBytes(-1, out _);
        bool tooMany = reader.TryReadBytes(4, out _);
        bool all = reader.TryReadBytes(3, out ReadOnlySpan<byte> bytes);

        Assert.False(negative);
        Assert.False(tooMany);
        Assert.True(all);
        Assert.Equal(new byte[] { 1, 2, 3 }, bytes.ToArray());
        Assert.True(reader.IsAtEnd);
    }
}
