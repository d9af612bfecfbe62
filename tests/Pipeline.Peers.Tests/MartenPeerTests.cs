using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using Pipeline.Peers;
using Pipeline.Peers.Systems;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Peers.Tests;

public sealed class MartenPeerTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [SkippableFact]
    public async Task AppendAsync_StreamMovedByAnotherWriter_FailsTheWholeTransactionOnTheExpectedVersion()
    {
        Skip.If(PostgresServer.FindInstallation() is null, "PostgreSQL is not installed");
        using var timeout = new CancellationTokenSource(TestTimeouts.Default * 12);
        CancellationToken token = timeout.Token;
        await using var peer = new MartenPeer(commandsPerSession: 64);
        await peer.StartAsync(_folder.Combine("data"), TextWriter.Null, token);
        await using IPeerConnection first = await peer.ConnectAsync(0, token);
        await using IPeerConnection second = await peer.ConnectAsync(1, token);

        // One session with a stream twice and another once, then the first stream again: versions 1..3 and 1.
        await first.AppendAsync(new[] { Deposit("account-acc-1", 1), Deposit("account-acc-2", 2), Deposit("account-acc-1", 3) }, token);
        await first.AppendAsync(new[] { Deposit("account-acc-1", 4) }, token);

        // The second connection has not seen account-acc-1: it expects a new stream, so its whole batch is refused,
        // account-acc-3 included; the first connection, which has, goes on.
        await Assert.ThrowsAsync<EventStreamUnexpectedMaxEventIdException>(() => second.AppendAsync(new[] { Deposit("account-acc-3", 5), Deposit("account-acc-1", 6) }, token));
        await Assert.ThrowsAsync<EventStreamUnexpectedMaxEventIdException>(() => second.AppendAsync(new[] { Deposit("account-acc-1", 7) }, token));
        await first.AppendAsync(new[] { Deposit("account-acc-1", 8) }, token);

        Assert.Equal(4, await first.ReadStreamAsync("account-acc-1", token));
        Assert.Equal(0, await second.ReadStreamAsync("account-acc-3", token));
        // Marten fills the failed batch's sequence number with a tombstone; the store holds five ledger events.
        Assert.Equal(5, await second.ReadAllAsync(token));
    }

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
