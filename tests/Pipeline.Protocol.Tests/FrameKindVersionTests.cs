using Xunit;

namespace Pipeline.Protocol.Tests;

public sealed class FrameKindVersionTests
{
    public static TheoryData<FrameKind, byte> Version3Kinds => new()
    {
        { FrameKind.Subscribe, 0x06 },
        { FrameKind.Credit, 0x07 },
        { FrameKind.Unsubscribe, 0x08 },
        { FrameKind.Fetch, 0x09 },
        { FrameKind.Commit, 0x0A },
        { FrameKind.ConsumerAdmin, 0x0B },
        { FrameKind.Subscribed, 0x87 },
        { FrameKind.Push, 0x88 },
        { FrameKind.CaughtUp, 0x89 },
        { FrameKind.Heartbeat, 0x8A },
        { FrameKind.SubEnd, 0x8B },
        { FrameKind.ConsumerResult, 0x8C },
    };

    [Theory]
    [MemberData(nameof(Version3Kinds))]
    public void ProtocolVersionOf_Version3Kind_Is3WithTheSpecByte(FrameKind kind, byte value)
    {
        ushort version = FrameHeader.ProtocolVersionOf((byte)kind);

        Assert.Equal(value, (byte)kind);
        Assert.Equal(FrameHeader.ConsumerProtocolVersion, version);
        Assert.Equal((ushort)4, FrameHeader.MaxProtocolVersion); // version 4 adds no kind: explained rejections
    }

    [Theory]
    [InlineData(FrameKind.Subscribe)]
    [InlineData(FrameKind.Credit)]
    [InlineData(FrameKind.Unsubscribe)]
    [InlineData(FrameKind.Fetch)]
    [InlineData(FrameKind.Commit)]
    [InlineData(FrameKind.ConsumerAdmin)]
    public void IsClientKind_Version3ClientKind_IsKnownOnlyFromVersion3(FrameKind kind)
    {
        Assert.False(FrameHeader.IsClientKind((byte)kind, 1));
        Assert.False(FrameHeader.IsClientKind((byte)kind, 2));
        Assert.True(FrameHeader.IsClientKind((byte)kind, 3));
        Assert.True(FrameHeader.IsClientKind((byte)kind, 4));
    }

    [Theory]
    [InlineData(FrameKind.Hello, 1)]
    [InlineData(FrameKind.Publish, 1)]
    [InlineData(FrameKind.Query, 1)]
    [InlineData(FrameKind.Ping, 1)]
    [InlineData(FrameKind.Read, 2)]
    public void IsClientKind_EarlierClientKind_IsKnownFromItsVersionOn(FrameKind kind, ushort since)
    {
        for (ushort version = 1; version <= FrameHeader.MaxProtocolVersion; version++)
        {
            Assert.Equal(version >= since, FrameHeader.IsClientKind((byte)kind, version));
        }

        Assert.Equal(since, FrameHeader.ProtocolVersionOf((byte)kind));
    }

    [Theory]
    [InlineData(FrameKind.Welcome)]
    [InlineData(FrameKind.Events)]
    [InlineData(FrameKind.ReadEnd)]
    [InlineData(FrameKind.Error)]
    [InlineData(FrameKind.Subscribed)]
    [InlineData(FrameKind.Push)]
    [InlineData(FrameKind.CaughtUp)]
    [InlineData(FrameKind.Heartbeat)]
    [InlineData(FrameKind.SubEnd)]
    [InlineData(FrameKind.ConsumerResult)]
    public void IsClientKind_ServerKind_IsNeverAClientKind(FrameKind kind)
    {
        for (ushort version = 0; version <= FrameHeader.MaxProtocolVersion + 1; version++)
        {
            Assert.False(FrameHeader.IsClientKind((byte)kind, version));
        }
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x0C)]
    [InlineData(0x7E)]
    [InlineData(0x80)]
    [InlineData(0x8D)]
    [InlineData(0x8E)]
    [InlineData(0xFF)]
    public void ProtocolVersionOf_KindNoVersionHas_Is0AndNotAClientKind(byte kind)
    {
        Assert.Equal((ushort)0, FrameHeader.ProtocolVersionOf(kind));
        Assert.False(FrameHeader.IsClientKind(kind, ushort.MaxValue));
    }
}
