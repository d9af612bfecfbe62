using System;
using System.Collections.Generic;
using System.Data.Common;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Projections.Ledger;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Projections.Tests;

public sealed class ProjectionRunnerTests : IDisposable
{
    // Database work on a loaded 2-core machine: more than the default, still bounded.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DatabasePath => Path.Combine(_dir.Path, "read.db");

    [Fact]
    public async Task RunAsync_LedgerEvents_TablesHoldEveryAccountsBalanceAndVersion_AndTheCheckpoint()
    {
        LedgerEvents ledger = LedgerEvents.Generate(2000, seed: 1);
        using DbConnection connection = ProjectionConnections.OpenSqlite(DatabasePath);
        var runner = new ProjectionRunner(connection, SqlDialect.Sqlite, new LedgerProjection(), new ListFeed(ledger.Feed()), new ProjectionRunnerOptions { MaxBatchEvents = 64 });

        ulong position = await runner.RunAsync().WaitAsync(Timeout);

        Assert.Equal((ulong)ledger.Events.Count, position);
        AssertTables(connection, ledger, position);
    }

    [Fact]
    public async Task RunAsync_AgainWithAFeedThatRepeatsEverything_SkipsWhatIsApplied_RowsUnchanged()
    {
        LedgerEvents ledger = LedgerEvents.Generate(500, seed: 2);
        using DbConnection connection = ProjectionConnections.OpenSqlite(DatabasePath);
        await new ProjectionRunner(connection, SqlDialect.Sqlite, new LedgerProjection(), new ListFeed(ledger.Feed())).RunAsync().WaitAsync(Timeout);

        // At-least-once delivery: a feed that starts again from position 1 must not apply anything twice (the
        // transactions table's primary key would throw if it did).
        ulong position = await new ProjectionRunner(connection, SqlDialect.Sqlite, new LedgerProjection(), new ListFeed(ledger.Feed(), replayFromStart: true)).RunAsync().WaitAsync(Timeout);

        Assert.Equal((ulong)ledger.Events.Count, position);
        AssertTables(connection, ledger, position);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(250)]
    [InlineData(499)]
    public async Task RunAsync_ProjectionFailsMidway_RowsMatchTheCheckpoint_AndARestartFinishesExactlyOnce(int failAtEvent)
    {
        LedgerEvents ledger = LedgerEvents.Generate(1000, seed: 3);
        Assert.True(ledger.Events.Count > failAtEvent, $"the workload has {ledger.Events.Count} events; the test needs more than {failAtEvent}");
        ulong failAt = (ulong)failAtEvent;
        using (DbConnection connection = ProjectionConnections.OpenSqlite(DatabasePath))
        {
            var failing = new FailingProjection(new LedgerProjection(), failAt);
            var runner = new ProjectionRunner(connection, SqlDialect.Sqlite, failing, new ListFeed(ledger.Feed()), new ProjectionRunnerOptions { MaxBatchEvents = 16 });

            await Assert.ThrowsAsync<IOException>(() => runner.RunAsync().WaitAsync(Timeout));

            Assert.True(runner.Position < failAt, $"checkpoint {runner.Position} must stay before the failed event {failAt}");
            AssertTables(connection, ledger, runner.Position);
        }

        // A new process: a new connection, the same file.
        using (DbConnection connection = ProjectionConnections.OpenSqlite(DatabasePath))
        {
            ulong position = await new ProjectionRunner(connection, SqlDialect.Sqlite, new LedgerProjection(), new ListFeed(ledger.Feed(), replayFromStart: true)).RunAsync().WaitAsync(Timeout);
            Assert.Equal((ulong)ledger.Events.Count, position);
            AssertTables(connection, ledger, position);
        }
    }

    [Fact]
    public async Task RunAsync_CheckedMarksWithoutEvents_AdvanceTheCheckpoint()
    {
        LedgerEvents ledger = LedgerEvents.Generate(50, seed: 4);
        List<FeedItem> items = ledger.Feed();
        ulong last = items[^1].Position;
        items.Add(new FeedItem(FeedItemKind.Checked, last + 1000, null));
        using DbConnection connection = ProjectionConnections.OpenSqlite(DatabasePath);

        ulong position = await new ProjectionRunner(connection, SqlDialect.Sqlite, new LedgerProjection(), new ListFeed(items)).RunAsync().WaitAsync(Timeout);

        Assert.Equal(last + 1000, position);
        Assert.Equal((long)(last + 1000), Convert.ToInt64(Scalar(connection, $"SELECT position FROM {ProjectionRunner.CheckpointTable} WHERE projection = 'ledger-balances'"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunAsync_StopWhenCaughtUp_ReturnsAtTheMarkOfAFeedThatNeverEnds()
    {
        LedgerEvents ledger = LedgerEvents.Generate(100, seed: 5);
        List<FeedItem> items = ledger.Feed();
        items.Add(new FeedItem(FeedItemKind.CaughtUp, items[^1].Position, null));
        using DbConnection connection = ProjectionConnections.OpenSqlite(DatabasePath);
        var runner = new ProjectionRunner(connection, SqlDialect.Sqlite, new LedgerProjection(), new EndlessFeed(items), new ProjectionRunnerOptions { StopWhenCaughtUp = true });

        ulong position = await runner.RunAsync().WaitAsync(Timeout);

        Assert.Equal((ulong)ledger.Events.Count, position);
    }

    [Fact]
    public async Task RunAsync_CommittedCallback_GetsEachCheckpointInOrder()
    {
        LedgerEvents ledger = LedgerEvents.Generate(300, seed: 6);
        var seen = new List<ulong>();
        using DbConnection connection = ProjectionConnections.OpenSqlite(DatabasePath);
        var options = new ProjectionRunnerOptions
        {
            MaxBatchEvents = 8,
            Committed = (p, _) => { seen.Add(p); return ValueTask.CompletedTask; },
        };

        await new ProjectionRunner(connection, SqlDialect.Sqlite, new LedgerProjection(), new ListFeed(ledger.Feed()), options).RunAsync().WaitAsync(Timeout);

        Assert.NotEmpty(seen);
        Assert.Equal((ulong)ledger.Events.Count, seen[^1]);
        for (int i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i] >= seen[i - 1]);
        }
    }

    [Fact]
    public async Task RunAsync_UnreadablePayload_ThrowsNamingThePosition_CheckpointBeforeIt()
    {
        var events = new List<FeedItem>
        {
            FeedItem.Of(new StoredEvent(1, 1, 638_000_000_000_000_000, 0, "account-x", 1, "ledger.opened", 1, "{\"account\":\"x\"}"u8.ToArray())),
            FeedItem.Of(new StoredEvent(2, 2, 638_000_000_000_000_000, 0, "account-x", 2, "ledger.deposited", 1, "{\"account\":\"x\"}"u8.ToArray())),
        };
        using DbConnection connection = ProjectionConnections.OpenSqlite(DatabasePath);
        var runner = new ProjectionRunner(connection, SqlDialect.Sqlite, new LedgerProjection(), new ListFeed(events), new ProjectionRunnerOptions { MaxBatchEvents = 1 });

        InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => runner.RunAsync().WaitAsync(Timeout));

        Assert.Contains("position 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1UL, runner.Position);
    }

    [Fact]
    public void Constructor_BadArguments_AreRefusedClearly()
    {
        using DbConnection open = ProjectionConnections.OpenSqlite(DatabasePath);
        var feed = new ListFeed([]);
        Assert.Throws<ArgumentException>(() => new ProjectionRunner(open, SqlDialect.Sqlite, new LedgerProjection("bad name!"), feed));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProjectionRunner(open, SqlDialect.Sqlite, new LedgerProjection(), feed, new ProjectionRunnerOptions { MaxBatchEvents = 0 }));
        using var closed = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + DatabasePath);
        Assert.Throws<ArgumentException>(() => new ProjectionRunner(closed, SqlDialect.Sqlite, new LedgerProjection(), feed));
    }

    internal static void AssertTables(DbConnection connection, LedgerEvents ledger, ulong checkpoint)
    {
        Dictionary<string, (long Balance, long Version)> expected = ledger.AccountsAt(checkpoint);
        var actual = new Dictionary<string, (long Balance, long Version)>(StringComparer.Ordinal);
        using (DbCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT account, balance, version FROM ledger_accounts";
            using DbDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                actual[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        Assert.Equal(expected.Count, actual.Count);
        foreach ((string account, (long balance, long version)) in expected)
        {
            Assert.True(actual.TryGetValue(account, out var row), $"account {account} missing");
            Assert.Equal((balance, version), row);
        }

        long rows = Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM ledger_transactions"), System.Globalization.CultureInfo.InvariantCulture);
        object? max = Scalar(connection, "SELECT MAX(position) FROM ledger_transactions");
        Assert.Equal((long)checkpoint, rows); // one row per event, none after the checkpoint
        Assert.Equal(checkpoint == 0 ? null : (object)(long)checkpoint, max is null ? null : Convert.ToInt64(max, System.Globalization.CultureInfo.InvariantCulture));
        object? stored = Scalar(connection, $"SELECT position FROM {ProjectionRunner.CheckpointTable} WHERE projection = 'ledger-balances'");
        Assert.Equal((long)checkpoint, stored is null ? 0 : Convert.ToInt64(stored, System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static object? Scalar(DbConnection connection, string sql)
    {
        using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    // Throws as it applies the event at one position, after doing its work (a crash after the rows were written).
    private sealed class FailingProjection(IProjection inner, ulong failAt) : IProjection
    {
        public string Name => inner.Name;

        public void CreateSchema(ProjectionDatabase database) => inner.CreateSchema(database);

        public void Apply(ProjectionDatabase database, StoredEvent storedEvent)
        {
            inner.Apply(database, storedEvent);
            if (storedEvent.Position == failAt)
            {
                throw new IOException("simulated crash at " + failAt);
            }
        }
    }

    // Yields its items, then waits forever (a live subscription with nothing more to say).
    private sealed class EndlessFeed(IReadOnlyList<FeedItem> items) : IProjectionFeed
    {
        public async IAsyncEnumerable<FeedItem> ReadAsync(ulong afterPosition, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (FeedItem item in items)
            {
                if (item.Position > afterPosition || item.Kind != FeedItemKind.Event)
                {
                    yield return item;
                }
            }

            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
    }
}
