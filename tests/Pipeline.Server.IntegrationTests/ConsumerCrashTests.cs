using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Projections;
using Pipeline.Projections.Ledger;
using Pipeline.Protocol;
using Pipeline.Server.IntegrationTests.Infrastructure;
using Pipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.Server.IntegrationTests;

/// <summary>
/// SIGKILL the server while producers stream ledger commands, a projection keeps SQLite tables and a durable
/// consumer commits checkpoints; restart, several times over one data folder. Afterwards the projection's tables
/// equal the ledger's state with every event applied exactly once, and the durable consumer resumes right after its
/// last acknowledged checkpoint.
/// </summary>
public sealed class ConsumerCrashTests(ITestOutputHelper output)
{
    private const string Consumer = "audit";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 180_000)]
    public async Task SigKill_WhileAProjectionAndADurableConsumerRun_TablesEqualTheLedger_AndTheConsumerResumesAfterItsCheckpoint()
    {
        int seed = Random.Shared.Next();
        string context = $"seed {seed}";
        var random = new Random(seed);
        using var temp = new TempDirectory();
        string data = temp.Combine("data");
        string database = temp.Combine("ledger.db");
        string[] options = ["--Pipeline:Snapshots:IntervalEvents=500", "--Pipeline:EventStore:SegmentSizeBytes=65536", "--Pipeline:EventStore:MaxPayloadBytes=4096", "--Pipeline:Consumers:HeartbeatInterval=00:00:00.100"];
        ulong committed = 0; // the durable consumer's highest checkpoint the server acknowledged OK

        for (int round = 0; round < 3; round++)
        {
            await using ServerProcess server = await ServerProcess.StartAsync(data, options);
            if (committed > 0)
            {
                // A checkpoint the server acknowledged survived the kill, and did not move backwards.
                await using PipelineClient admin = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = server.Port, ProtocolVersion = 3 }).WaitAsync(TestTimeouts.Default);
                ConsumerInfo? survived = await admin.GetConsumerAsync(Consumer).WaitAsync(TestTimeouts.Default);
                Assert.True(survived is not null && survived.Position >= committed, $"{context}: round {round} starts with checkpoint {survived?.Position} below the acknowledged {committed}");
            }

            using var killed = new CancellationTokenSource();
            var producers = new List<Task>();
            var acked = new CountSignal();
            for (int c = 0; c < 2; c++)
            {
                var mix = new LedgerCommandMix(new Random(random.Next()), $"r{round}c{c}");
                producers.Add(ProduceAsync(server.Port, mix, acked, killed.Token));
            }

            Task<ulong> projection = ProjectAsync(server.Port, database, untilCaughtUp: false, killed.Token);
            Task<ulong> consumer = ConsumeAsync(server.Port, random.Next(20, 80), killed.Token);
            await acked.WaitForAsync(random.Next(200, 1500)).WaitAsync(s_wait);
            killed.Cancel();
            await server.KillAsync();
            await Task.WhenAll(producers).WaitAsync(s_wait);
            await Task.WhenAny(projection, Task.Delay(s_wait)); // it fails with the connection, or stops when cancelled
            committed = Math.Max(committed, await consumer.WaitAsync(s_wait));
        }

        await using (ServerProcess server = await ServerProcess.StartAsync(data, options))
        {
            await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = server.Port, ProtocolVersion = 3 }).WaitAsync(TestTimeouts.Default);

            // The durable consumer: its checkpoint survived every kill, and a CHECKPOINT subscription resumes right after it.
            // A consumer killed before its first acknowledged COMMIT (CI under load: the kill can come before it) has
            // no checkpoint, rightly; one that committed must find it.
            ConsumerInfo? info = await client.GetConsumerAsync(Consumer).WaitAsync(TestTimeouts.Default);
            Assert.True(info is not null || committed == 0, $"{context}: the consumer's acknowledged checkpoint {committed} is gone");
            ulong position = info?.Position ?? 0;
            Assert.True(position >= committed, $"{context}: checkpoint {position} is behind the acknowledged {committed}");
            ReadResult head = await client.ReadAllBackwardAsync(ulong.MaxValue, 1).WaitAsync(TestTimeouts.Default);
            ulong headPosition = head.HeadPosition;
            if (info is not null && info.Position < headPosition)
            {
                await foreach (SubscriptionItem item in client.SubscribeAsync(new SubscriptionOptions { Start = SubscriptionStart.Checkpoint, Consumer = Consumer }).WithCancellation(new CancellationTokenSource(s_wait).Token))
                {
                    Assert.Equal(SubscriptionItemKind.Event, item.Kind);
                    Assert.Equal(info.Position + 1, item.Position);
                    break;
                }
            }

            // The projection, restarted after the last crash, catches up; its tables then equal the ledger's state.
            ulong checkpoint = await ProjectAsync(server.Port, database, untilCaughtUp: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(headPosition, checkpoint);
            using DbConnection db = ProjectionConnections.OpenSqlite(database);
            Assert.Equal((long)headPosition, Scalar(db, "SELECT COUNT(*) FROM ledger_transactions")); // every event once: positions are unique keys
            Assert.Equal((long)headPosition, Scalar(db, "SELECT MAX(position) FROM ledger_transactions"));

            QueryResult totals = await client.QueryAsync("ledger.totals", "{}", minSequence: 0).WaitAsync(TestTimeouts.Default);
            using JsonDocument totalsJson = JsonDocument.Parse(totals.Body);
            Assert.Equal(totalsJson.RootElement.GetProperty("accounts").GetInt64(), Scalar(db, "SELECT COUNT(*) FROM ledger_accounts"));
            Assert.Equal(totalsJson.RootElement.GetProperty("balance").GetInt64(), Scalar(db, "SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts"));
            int accounts = 0;
            using (DbCommand command = db.CreateCommand())
            {
                command.CommandText = "SELECT account, balance, version FROM ledger_accounts";
                using DbDataReader reader = command.ExecuteReader();
                while (reader.Read())
                {
                    string account = reader.GetString(0);
                    QueryResult balance = await client.QueryAsync("ledger.balance", JsonSerializer.Serialize(new { account })).WaitAsync(TestTimeouts.Default);
                    using JsonDocument json = JsonDocument.Parse(balance.Body);
                    Assert.Equal((json.RootElement.GetProperty("balance").GetInt64(), json.RootElement.GetProperty("version").GetInt64()), (reader.GetInt64(1), reader.GetInt64(2)));
                    accounts++;
                }
            }

            output.WriteLine($"{context}: {headPosition} events, {accounts} accounts, consumer checkpoint {position} (acknowledged {committed})");
            Assert.True(await server.TerminateAsync(s_wait) == 0, $"{context}: the clean stop failed:{Environment.NewLine}{server.Output}");
        }
    }

    private static async Task ProduceAsync(int port, LedgerCommandMix mix, CountSignal acked, CancellationToken killed)
    {
        try
        {
            await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = port }, CancellationToken.None).WaitAsync(TestTimeouts.Default, CancellationToken.None);
            while (!killed.IsCancellationRequested)
            {
                Ack[] acks = await client.PublishBatchAsync(mix.Next(20), 1, CancellationToken.None).WaitAsync(s_wait, CancellationToken.None);
                acked.Add(acks.Length);
            }
        }
        catch (Exception) when (killed.IsCancellationRequested)
        {
            // the server was killed under it
        }
    }

    // The ledger projection into SQLite; returns its checkpoint (or whatever it reached before the server died).
    private static async Task<ulong> ProjectAsync(int port, string database, bool untilCaughtUp, CancellationToken killed)
    {
        using DbConnection connection = ProjectionConnections.OpenSqlite(database);
        var projection = new LedgerProjection();
        ProjectionRunner? runner = null;
        try
        {
            await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = port, ProtocolVersion = 3 }, CancellationToken.None).WaitAsync(TestTimeouts.Default, CancellationToken.None);
            runner = new ProjectionRunner(connection, SqlDialect.Sqlite, projection, new SubscriptionFeed(client, EventFilter.TypePrefix(LedgerProjection.TypePrefix), projection.Name),
                new ProjectionRunnerOptions { MaxBatchEvents = 100, StopWhenCaughtUp = untilCaughtUp });
            return await runner.RunAsync(killed);
        }
        catch (Exception) when (killed.IsCancellationRequested)
        {
            return runner?.Position ?? 0;
        }
    }

    // A durable consumer that commits every `every` events; returns its highest checkpoint the server acknowledged OK.
    private static async Task<ulong> ConsumeAsync(int port, int every, CancellationToken killed)
    {
        ulong acknowledged = 0;
        try
        {
            await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Port = port, ProtocolVersion = 3 }, CancellationToken.None).WaitAsync(TestTimeouts.Default, CancellationToken.None);
            int seen = 0;
            await foreach (SubscriptionItem item in client.SubscribeAsync(new SubscriptionOptions { Consumer = Consumer, Credits = 256 }, killed))
            {
                if (item.Kind == SubscriptionItemKind.Event && ++seen % every == 0)
                {
                    CommitResult result = await client.CommitAsync(Consumer, item.Position, killed);
                    Assert.True(result.Status is ConsumerResultStatus.Ok or ConsumerResultStatus.Stale, $"commit {item.Position}: {result.Status} {result.Message}");
                    if (result.Status == ConsumerResultStatus.Ok)
                    {
                        acknowledged = Math.Max(acknowledged, item.Position);
                    }
                }
            }
        }
        catch (Exception) when (killed.IsCancellationRequested)
        {
            // the server was killed under it; a commit in flight may or may not have become durable
        }

        return acknowledged;
    }

    private static long Scalar(DbConnection connection, string sql)
    {
        using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
