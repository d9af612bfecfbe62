using System;
using System.Collections.Generic;
using System.Text;
using Pipeline.Peers;
using Pipeline.Peers.Systems;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Peers.Tests;

public class MartenPeerTests
{
    [Fact]
    public void GroupByStream_KeepsEachStreamsEventsInOrder_StreamsInOrderOfFirstAppearance()
    {
        PeerEvent[] events =
        [
            Deposit("account-acc-1", 1),
            Deposit("account-acc-2", 2),
            Deposit("account-acc-1", 3),
            Deposit("account-acc-3", 4),
            Deposit("account-acc-2", 5),
        ];

        List<(string Stream, List<object> Events)> streams = MartenPeer.GroupByStream(events);

        Assert.Equal(["account-acc-1", "account-acc-2", "account-acc-3"], streams.ConvertAll(s => s.Stream));
        Assert.Equal([1L, 3L], streams[0].Events.ConvertAll(e => ((Deposited)e).Amount));
        Assert.Equal([2L, 5L], streams[1].Events.ConvertAll(e => ((Deposited)e).Amount));
        Assert.Equal([4L], streams[2].Events.ConvertAll(e => ((Deposited)e).Amount));
    }

    [Fact]
    public void GroupByStream_NoEvents_NoStreams()
    {
        Assert.Empty(MartenPeer.GroupByStream([]));
    }

    [Fact]
    public void Constructor_CommandsPerSession_NamesTheVariant()
    {
        Assert.Equal("marten", new MartenPeer(1).Name);
        Assert.Equal("marten-batch", new MartenPeer(64).Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MartenPeer(0));
    }

    [Fact]
    public void Contract_DurableAndOneTransactionAtATimePerConnection()
    {
        var peer = new MartenPeer(64);

        Assert.True(peer.FsyncBeforeAck);
        Assert.Equal(1, peer.MaxBatchesInFlight);
        Assert.Contains("synchronous_commit on", peer.Settings, StringComparison.Ordinal);
        Assert.Contains("up to 64 commands per session", peer.Settings, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerSettings_KeepPostgreSqlsDurableDefaults()
    {
        var settings = new Dictionary<string, string>(MartenPeer.ServerSettings);

        Assert.Equal("on", settings["fsync"]);
        Assert.Equal("on", settings["synchronous_commit"]);
        Assert.Equal("on", settings["full_page_writes"]);
    }

    [Fact]
    public void Missing_NullExactlyWhenPostgreSqlIsInstalled()
    {
        string? missing = new MartenPeer(1).Missing();

        if (PostgresServer.FindInstallation() is null)
        {
            Assert.Contains("sudo apt-get install -y postgresql", missing, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(missing);
        }
    }

    private static PeerEvent Deposit(string stream, int amount) =>
        new(stream, "ledger.deposited", Encoding.UTF8.GetBytes($$"""{"account":"{{stream[8..]}}","amount":{{amount}}}"""));
}
