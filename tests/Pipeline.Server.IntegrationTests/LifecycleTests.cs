using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Server.IntegrationTests;

/// <summary>Restarts, kills and shutdowns of the real process: nothing acknowledged is lost, de-duplication survives.</summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(30);

    private static Task<PipelineClient> ConnectAsync(int port, ulong producerId, bool autoReconnect = false) =>
        PipelineClient.ConnectAsync(new PipelineClientOptions { Port = port, ProducerId = producerId, AutoReconnect = autoReconnect, MaxReconnectAttempts = 300 })
            .WaitAsync(TestTimeouts.Default);

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public async Task Reconnect_SameProducer_WelcomeResumesAfterTheLastJournaledSequenceAndOldOnesAreDuplicates()
    {
        using var data = new TempDirectory();
        await using ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"));
        await using (PipelineClient first = await ConnectAsync(server.Port, 77))
        {
            await first.PublishAsync("ledger.open", Json("{\"account\": \"r-1\"}")).WaitAsync(TestTimeouts.Default);
            await first.PublishAsync("ledger.deposit", Json("{\"account\": \"r-1\", \"amount\": 10}")).WaitAsync(TestTimeouts.Default);
        }

        (RawConnection raw, Frame welcome) = await RawConnection.HandshakeAsync(server.Port, 77);
        using RawConnection lease = raw;
        await raw.SendAsync(Frames.Publish(2, "ledger.deposit", "{\"account\": \"r-1\", \"amount\": 10}"));
        (ulong producerSequence, ulong sequence, AckStatus status, string _) = (await raw.ReadFrameAsync())!.Ack();

        Assert.Equal(2UL, welcome.Welcome().LastProducerSequence);
        Assert.Equal(2UL, welcome.Welcome().HeadSequence);
        Assert.Equal((2UL, 2UL, AckStatus.Duplicate), (producerSequence, sequence, status));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SigKill_DuringAStream_NothingAcknowledgedIsLostAndStateMatchesTheJournaledPrefix(bool preallocate)
    {
        string preallocation = $"--Pipeline:Journal:Preallocate={preallocate}";
        using var data = new TempDirectory();
        const ulong producer = 4242;
        const int accounts = 10;
        int port;
        var acked = new List<Ack>();
        var amounts = new Dictionary<ulong, (int Account, long Amount)>();
        await using (ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"), "--Pipeline:Snapshots:IntervalEvents=500", preallocation))
        {
            port = server.Port;
            PipelineClient client = await ConnectAsync(server.Port, producer);
            var random = new Random(7);
            var opens = Enumerable.Range(0, accounts).Select(i => ("ledger.open", (ReadOnlyMemory<byte>)Json($"{{\"account\": \"k-{i}\"}}"))).ToList();
            acked.AddRange(await client.PublishBatchAsync(opens).WaitAsync(TestTimeouts.Default));
            ulong next = (ulong)accounts + 1;
            var pending = new List<Task<Ack[]>>();
            for (int batch = 0; batch < 30; batch++)
            {
                var commands = new List<(string, ReadOnlyMemory<byte>)>();
                for (int i = 0; i < 100; i++)
                {
                    int account = random.Next(accounts);
                    long amount = random.Next(1, 100);
                    amounts[next++] = (account, amount);
                    commands.Add(("ledger.deposit", Json($"{{\"account\": \"k-{account}\", \"amount\": {amount}}}")));
                }

                Task<Ack[]> sent = client.PublishBatchAsync(commands);
                if (batch < 20)
                {
                    acked.AddRange(await sent.WaitAsync(TestTimeouts.Default));
                }
                else
                {
                    pending.Add(sent);
                }
            }

            // Kill once the first of the last ten batches is acknowledged: the rest are in flight, partly journaled.
            acked.AddRange(await pending[0].WaitAsync(TestTimeouts.Default));
            await server.KillAsync();
            await client.DisposeAsync();
        }

        await using ServerProcess restarted = await ServerProcess.StartAsync(data.Combine("data"), $"--Pipeline:Ingest:Port={port}", preallocation);
        (RawConnection raw, Frame welcome) = await RawConnection.HandshakeAsync(restarted.Port, producer);
        using RawConnection lease = raw;
        ulong journaled = welcome.Welcome().LastProducerSequence;

        Assert.True(journaled >= acked.Max(a => a.ProducerSequence), $"acknowledged up to {acked.Max(a => a.ProducerSequence)} but only {journaled} journaled");
        Assert.Equal(journaled, welcome.Welcome().HeadSequence); // one producer: its sequences are the journal's, with no gaps
        var expected = new long[accounts];
        foreach ((ulong seq, (int account, long amount)) in amounts)
        {
            if (seq <= journaled)
            {
                expected[account] += amount;
            }
        }

        await using PipelineClient reader = await ConnectAsync(restarted.Port, 0);
        for (int i = 0; i < accounts; i++)
        {
            QueryResult balance = await reader.QueryAsync("ledger.balance", $"{{\"account\": \"k-{i}\"}}", journaled).WaitAsync(TestTimeouts.Default);
            Assert.Contains($"\"balance\":{expected[i]},", balance.Body, StringComparison.Ordinal);
        }

        await raw.SendAsync(Frames.Publish(journaled, "ledger.deposit", "{\"account\": \"k-0\", \"amount\": 1}"));
        Assert.Equal(AckStatus.Duplicate, (await raw.ReadFrameAsync())!.Ack().Status);
    }

    [Fact]
    public async Task SigTerm_WhileClientsPublish_EverythingReceivedIsAcknowledgedThenShuttingDownAndExitZero()
    {
        using var data = new TempDirectory();
        await using ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"));
        (RawConnection raw, _) = await RawConnection.HandshakeAsync(server.Port, 99);
        using RawConnection lease = raw;
        var frames = new List<byte[]> { Frames.Publish(1, "ledger.open", "{\"account\": \"t-1\"}") };
        for (ulong i = 2; i <= 3000; i++)
        {
            frames.Add(Frames.Publish(i, "ledger.deposit", "{\"account\": \"t-1\", \"amount\": 1}"));
        }

        await raw.SendAsync(Frames.Concat([.. frames]));
        Task<int> exit = server.TerminateAsync(s_exitTimeout);
        var acks = new List<(ulong ProducerSequence, ulong Sequence, AckStatus Status, string Detail)>();
        Frame? last = null;
        while (await raw.ReadFrameAsync(TimeSpan.FromSeconds(30)) is { } frame)
        {
            if (frame.Kind == FrameKind.Ack)
            {
                acks.Add(frame.Ack());
            }
            else
            {
                last = frame;
            }
        }

        int code = await exit;

        Assert.Equal(0, code);
        Assert.NotNull(last);
        Assert.Equal(ErrorCode.ShuttingDown, last.Error().Code);
        Assert.Equal(Enumerable.Range(1, acks.Count).Select(i => (ulong)i), acks.Select(a => a.ProducerSequence));
        Assert.All(acks, a => Assert.Equal(AckStatus.Ok, a.Status));

        // Everything acknowledged is there after a restart, and nothing more.
        await using ServerProcess restarted = await ServerProcess.StartAsync(data.Combine("data"));
        (RawConnection again, Frame welcome) = await RawConnection.HandshakeAsync(restarted.Port, 99);
        again.Dispose();
        Assert.Equal((ulong)acks.Count, welcome.Welcome().LastProducerSequence);
        Assert.True(Directory.EnumerateFiles(Path.Combine(data.Combine("data"), "snapshots"), "*.snapshot").Any(), "a final snapshot is written at shutdown");
    }

    [Fact]
    public async Task AutoReconnectClient_ServerRestartsOnTheSamePort_PendingPublishesResumeWithoutLossOrDoubles()
    {
        using var data = new TempDirectory();
        ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"));
        int port = server.Port;
        await using PipelineClient client = await ConnectAsync(port, 555, autoReconnect: true);
        await client.PublishAsync("ledger.open", Json("{\"account\": \"ar-1\"}")).WaitAsync(TestTimeouts.Default);
        await client.PublishAsync("ledger.deposit", Json("{\"account\": \"ar-1\", \"amount\": 5}")).WaitAsync(TestTimeouts.Default);

        await server.KillAsync();
        await server.DisposeAsync();
        Task<Ack> duringOutage = client.PublishAsync("ledger.deposit", Json("{\"account\": \"ar-1\", \"amount\": 7}"));
        await using ServerProcess restarted = await ServerProcess.StartAsync(data.Combine("data"), $"--Pipeline:Ingest:Port={port}");
        Ack resumed = await duringOutage.WaitAsync(TimeSpan.FromSeconds(60));
        QueryResult balance = await client.QueryAsync("ledger.balance", "{\"account\": \"ar-1\"}", resumed.Sequence).WaitAsync(TestTimeouts.Default);

        Assert.Equal(AckStatus.Ok, resumed.Status);
        Assert.True(client.Reconnects >= 1);
        Assert.Contains("\"balance\":12,", balance.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_WithSnapshotsAndJournalTail_StateIsRebuiltExactly()
    {
        using var data = new TempDirectory();
        string balanceBefore;
        string totalsBefore;
        int port;
        await using (ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"), "--Pipeline:Snapshots:IntervalEvents=100"))
        {
            port = server.Port;
            await using PipelineClient client = await ConnectAsync(server.Port, 0);
            var commands = new List<(string, ReadOnlyMemory<byte>)> { ("ledger.open", Json("{\"account\": \"s-1\"}")), ("ledger.open", Json("{\"account\": \"s-2\"}")) };
            for (int i = 0; i < 450; i++)
            {
                commands.Add(i % 3 == 0
                    ? ("ledger.transfer", Json($"{{\"from\": \"s-1\", \"to\": \"s-2\", \"amount\": {i % 7 + 1}}}"))
                    : ("ledger.deposit", Json($"{{\"account\": \"s-{i % 2 + 1}\", \"amount\": {i}}}")));
            }

            Ack[] acks = await client.PublishBatchAsync(commands).WaitAsync(TimeSpan.FromSeconds(30));
            balanceBefore = (await client.QueryAsync("ledger.balance", "{\"account\": \"s-2\"}", acks[^1].Sequence).WaitAsync(TestTimeouts.Default)).Body;
            totalsBefore = (await client.QueryAsync("ledger.totals", "{}", acks[^1].Sequence).WaitAsync(TestTimeouts.Default)).Body;

            // Snapshots are written in the background: kill only once one is on disk, so the restart uses snapshot + tail.
            string snapshots = Path.Combine(data.Combine("data"), "snapshots");
            await WaitUntilAsync(() => Directory.Exists(snapshots) && Directory.EnumerateFiles(snapshots, "*.snapshot").Any());
            await server.KillAsync();
        }

        await using ServerProcess restarted = await ServerProcess.StartAsync(data.Combine("data"));
        await using PipelineClient after = await ConnectAsync(restarted.Port, 0);

        Assert.Equal(balanceBefore, (await after.QueryAsync("ledger.balance", "{\"account\": \"s-2\"}").WaitAsync(TestTimeouts.Default)).Body);
        Assert.Equal(totalsBefore, (await after.QueryAsync("ledger.totals", "{}").WaitAsync(TestTimeouts.Default)).Body);
        Assert.True(restarted.Lines.Any(line => line.Contains("Recovered: state at sequence 452", StringComparison.Ordinal) && line.Contains(".snapshot", StringComparison.Ordinal)), restarted.Output);
    }

    [Fact]
    public async Task TooManyConnections_BeyondTheMaximum_RefusedWithErrorOthersKeepWorking()
    {
        using var data = new TempDirectory();
        await using ServerProcess server = await ServerProcess.StartAsync(data.Combine("data"), "--Pipeline:Ingest:MaxConnections=2");
        (RawConnection first, _) = await RawConnection.HandshakeAsync(server.Port);
        (RawConnection second, _) = await RawConnection.HandshakeAsync(server.Port);
        using RawConnection a = first;
        using RawConnection b = second;

        using RawConnection third = await RawConnection.ConnectAsync(server.Port);
        Frame? refused = await third.ReadFrameAsync();
        await first.SendAsync(Frames.Ping(1));

        Assert.Equal(ErrorCode.TooManyConnections, refused!.Error().Code);
        Assert.Equal(FrameKind.Pong, (await first.ReadFrameAsync())!.Kind);
    }

    // Waits for a condition that only the file system shows (no event to wait on); bounded by the default timeout.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(10);
        }
    }
}
