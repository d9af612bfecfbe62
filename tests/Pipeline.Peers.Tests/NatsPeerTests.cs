using System;
using NATS.Client.Core;
using Pipeline.Peers;
using Pipeline.Peers.Systems;
using Xunit;

namespace Pipeline.Peers.Tests;

// The NATS driver's own formats, no server needed: subjects, the timestamp header, the server's version and config.
public class NatsPeerTests
{
    [Theory]
    [InlineData("account-acc-12", "ledger.account-acc-12")]
    [InlineData(PeerWorkload.ProbeStream, "ledger.account-probe")]
    [InlineData("account_ü-7", "ledger.account_ü-7")]
    public void An_event_stream_is_one_token_under_the_ledger_prefix(string stream, string subject)
    {
        Assert.Equal(subject, NatsPeer.SubjectOf(stream));
    }

    [Theory]
    [InlineData("account.acc-1")]
    [InlineData("account-*")]
    [InlineData("account->")]
    [InlineData("account acc")]
    [InlineData("account\tacc")]
    public void A_stream_that_is_not_one_subject_token_is_refused(string stream)
    {
        Assert.Throws<ArgumentException>(() => NatsPeer.SubjectOf(stream));
    }

    [Fact]
    public void An_empty_stream_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NatsPeer.SubjectOf(string.Empty));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(long.MaxValue)]
    [InlineData(-5L)]
    public void The_published_timestamp_header_reads_back(long timestamp)
    {
        NatsHeaders headers = NatsPeer.HeadersOf(new PeerEvent("account-acc-1", "ledger.deposited", new byte[] { 1 }, timestamp));

        Assert.True(NatsPeer.TryParseTimestamp(headers, out long parsed));
        Assert.Equal(timestamp, parsed);
        Assert.Equal("ledger.deposited", headers[NatsPeer.TypeHeader].ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("12x")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public void A_timestamp_header_that_is_not_a_long_is_not_read(string value)
    {
        var headers = new NatsHeaders { [NatsPeer.TimestampHeader] = value };

        Assert.False(NatsPeer.TryParseTimestamp(headers, out _));
    }

    [Fact]
    public void A_message_without_headers_or_timestamp_has_none()
    {
        Assert.False(NatsPeer.TryParseTimestamp(null, out _));
        Assert.False(NatsPeer.TryParseTimestamp(new NatsHeaders { [NatsPeer.TypeHeader] = "ledger.opened" }, out _));
    }

    [Theory]
    [InlineData("nats-server: v2.9.10", 2, 9, 10)]
    [InlineData("nats-server: v2.10.0\n", 2, 10, 0)]
    [InlineData("nats-server: v2.11.4-beta.1", 2, 11, 4)]
    public void The_version_line_parses(string output, int major, int minor, int build)
    {
        Assert.Equal(new Version(major, minor, build), NatsPeer.ParseVersion(output));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nats-server: unknown")]
    public void A_version_line_without_a_version_gives_null(string? output)
    {
        Assert.Null(NatsPeer.ParseVersion(output));
    }

    [Fact]
    public void The_durable_variant_needs_a_server_with_sync_interval()
    {
        string? old = NatsPeer.Missing("/usr/sbin/nats-server", new Version(2, 9, 10), syncAlways: true);

        Assert.NotNull(old);
        Assert.Contains("2.9.10", old, StringComparison.Ordinal);
        Assert.Contains("sync_interval", old, StringComparison.Ordinal);
        Assert.Contains("2.10.0", old, StringComparison.Ordinal);
        Assert.NotNull(NatsPeer.Missing("/usr/sbin/nats-server", null, syncAlways: true));
        Assert.Null(NatsPeer.Missing("/usr/sbin/nats-server", new Version(2, 10, 0), syncAlways: true));
        Assert.Null(NatsPeer.Missing("/usr/sbin/nats-server", new Version(2, 9, 10), syncAlways: false));
    }

    [Fact]
    public void A_missing_server_says_how_to_install_it()
    {
        Assert.Contains("apt-get install -y nats-server", NatsPeer.Missing(null, null, syncAlways: false), StringComparison.Ordinal);
        Assert.Contains("apt-get install -y nats-server", NatsPeer.Missing(null, null, syncAlways: true), StringComparison.Ordinal);
    }

    [Fact]
    public void The_config_listens_on_loopback_and_sets_sync_always_only_for_the_durable_variant()
    {
        string shipped = NatsPeer.ServerConfig(4222, "/tmp/run/nats.data", syncAlways: false);
        string durable = NatsPeer.ServerConfig(4222, "/tmp/run/nats.data", syncAlways: true);

        Assert.Contains("listen: 127.0.0.1:4222", shipped, StringComparison.Ordinal);
        Assert.Contains("store_dir: \"/tmp/run/nats.data\"", shipped, StringComparison.Ordinal);
        Assert.DoesNotContain("sync_interval", shipped, StringComparison.Ordinal);
        Assert.Contains("sync_interval: always", durable, StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_folder_the_config_cannot_quote_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NatsPeer.ServerConfig(4222, "/tmp/a\"b", syncAlways: false));
    }
}
