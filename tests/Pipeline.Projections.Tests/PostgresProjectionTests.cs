using System;
using System.Data.Common;
using System.Threading.Tasks;
using Pipeline.Projections.Ledger;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Projections.Tests;

// One PostgreSQL server for the class's tests (a cluster takes seconds to create).
public sealed class PostgresFixture : IDisposable
{
    public PostgresFixture()
    {
        Server = PostgresServer.TryStart(out string? unavailable);
        Unavailable = unavailable;
    }

    public PostgresServer? Server { get; }

    public string? Unavailable { get; }

    public void Dispose() => Server?.Dispose();
}

public sealed class PostgresProjectionTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public async Task RunAsync_OnPostgreSql_SameTablesAsTheModel_AndAFailureMidwayRecoversExactlyOnce()
    {
        Skip.If(fixture.Server is null, "PostgreSQL tests skipped: " + fixture.Unavailable);
        LedgerEvents ledger = LedgerEvents.Generate(800, seed: 11);
        string connectionString = fixture.Server!.ConnectionString;
        using (DbConnection connection = ProjectionConnections.OpenPostgreSql(connectionString))
        {
            var failing = new ThrowAt(new LedgerProjection(), 333);
            var runner = new ProjectionRunner(connection, SqlDialect.PostgreSql, failing, new ListFeed(ledger.Feed()), new ProjectionRunnerOptions { MaxBatchEvents = 50 });
            await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync().WaitAsync(Timeout));
            Assert.True(runner.Position < 333);
            ProjectionRunnerTests.AssertTables(connection, ledger, runner.Position);
        }

        using (DbConnection connection = ProjectionConnections.OpenPostgreSql(connectionString))
        {
            ulong position = await new ProjectionRunner(connection, SqlDialect.PostgreSql, new LedgerProjection(), new ListFeed(ledger.Feed(), replayFromStart: true)).RunAsync().WaitAsync(Timeout);
            Assert.Equal((ulong)ledger.Events.Count, position);
            ProjectionRunnerTests.AssertTables(connection, ledger, position);
        }
    }

    private sealed class ThrowAt(IProjection inner, ulong position) : IProjection
    {
        public string Name => inner.Name;

        public void CreateSchema(ProjectionDatabase database) => inner.CreateSchema(database);

        public void Apply(ProjectionDatabase database, Pipeline.Client.StoredEvent storedEvent)
        {
            if (storedEvent.Position == position)
            {
                throw new InvalidOperationException("simulated failure at " + position);
            }

            inner.Apply(database, storedEvent);
        }
    }
}
