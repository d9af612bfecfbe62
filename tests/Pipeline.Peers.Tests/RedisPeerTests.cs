using System;
using System.Linq;
using Pipeline.Peers.Systems;
using Xunit;

namespace Pipeline.Peers.Tests;

public sealed class RedisPeerTests
{
    [Theory]
    [InlineData("appendonly yes")]
    [InlineData("appendfsync always")]
    [InlineData("save \"\"")]
    [InlineData("aof-use-rdb-preamble yes")]
    [InlineData("no-appendfsync-on-rewrite no")]
    [InlineData("maxmemory-policy noeviction")]
    [InlineData("daemonize no")]
    [InlineData("bind 127.0.0.1")]
    [InlineData("port 6400")]
    public void Configuration_Always_HasTheSetting(string line)
    {
        string[] lines = RedisPeer.Configuration(6400, "/tmp/run/redis.data").Split('\n');

        Assert.Contains(line, lines);
    }

    [Fact]
    public void Configuration_Always_SetsEachSettingOnce()
    {
        string[] names = [.. RedisPeer.Configuration(6400, "/tmp/data").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Configuration_WhenTheDirectoryHasQuotesOrBackslashes_EscapesThem()
    {
        string[] lines = RedisPeer.Configuration(6400, "/tmp/a \"b\"\\c").Split('\n');

        Assert.Contains("dir \"/tmp/a \\\"b\\\"\\\\c\"", lines);
    }

    [Fact]
    public void Properties_Always_DescribeAnFsyncBeforeTheAcknowledgement()
    {
        var peer = new RedisPeer();

        Assert.Equal("redis", peer.Name);
        Assert.True(peer.FsyncBeforeAck);
        Assert.Equal(16, peer.MaxBatchesInFlight);
        Assert.Contains("appendfsync always", peer.Settings, StringComparison.Ordinal);
    }
}
