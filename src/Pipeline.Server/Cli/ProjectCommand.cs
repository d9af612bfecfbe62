using System;
using System.Data.Common;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Projections;
using Pipeline.Projections.Ledger;
using Pipeline.Protocol;

namespace Pipeline.Server.Cli;

/// <summary>
/// <c>project ledger --sqlite FILE | --postgres CONNECTION</c>: runs the ledger's projection against a running
/// service, keeping <c>ledger_accounts</c> and <c>ledger_transactions</c> in the database, until Ctrl+C (or, with
/// <c>--until-caught-up</c>, until it has applied every event that existed when it started).
/// </summary>
internal static class ProjectCommand
{
    public const string UsageText =
        "usage: project ledger (--sqlite FILE | --postgres CONNECTION-STRING) [--name NAME] [--until-caught-up] [--batch N] [--host H] [--port P]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!TryParse(args, out Options? options, out string? problem))
        {
            error.WriteLine("project: " + problem);
            error.WriteLine(UsageText);
            return OperatorCommands.Usage;
        }

        Options o = options!;
        ProjectionRunner? running = null;
        try
        {
            using DbConnection connection = o.Sqlite is not null ? ProjectionConnections.OpenSqlite(o.Sqlite) : ProjectionConnections.OpenPostgreSql(o.Postgres!);
            await using PipelineClient client = await PipelineClient.ConnectAsync(
                new PipelineClientOptions { Host = o.Host, Port = o.Port, ClientName = "pipeline-projection", ProtocolVersion = 3 }, cancellationToken).ConfigureAwait(false);
            var projection = new LedgerProjection(o.Name);
            var feed = new SubscriptionFeed(client, EventFilter.TypePrefix(LedgerProjection.TypePrefix), projection.Name);
            var runner = new ProjectionRunner(connection, o.Sqlite is not null ? SqlDialect.Sqlite : SqlDialect.PostgreSql, projection, feed, new ProjectionRunnerOptions
            {
                MaxBatchEvents = o.Batch,
                StopWhenCaughtUp = o.UntilCaughtUp,
                Committed = async (position, token) =>
                {
                    // The database holds the checkpoint that counts; the server's copy shows operators the lag.
                    CommitResult committed = await client.CommitAsync(projection.Name, position, token).ConfigureAwait(false);
                    if (committed.Status is not ConsumerResultStatus.Ok and not ConsumerResultStatus.Stale)
                    {
                        error.WriteLine($"project: the server did not take checkpoint {position}: {committed.Status} {committed.Message}");
                    }
                },
            });
            running = runner;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"projecting ledger events into {(o.Sqlite ?? "PostgreSQL")} as '{projection.Name}'"));
            ulong position = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"checkpoint {position}"));
            return OperatorCommands.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stopped at checkpoint {running?.Position ?? 0}"));
            return OperatorCommands.Ok;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ServerErrorException or SubscriptionEndedException or DbException or InvalidDataException or IOException)
        {
            error.WriteLine($"project: {ex.Message}");
            return OperatorCommands.Damaged;
        }
    }

    internal sealed record Options
    {
        public string? Sqlite { get; init; }

        public string? Postgres { get; init; }

        public string Name { get; init; } = LedgerProjection.DefaultName;

        public bool UntilCaughtUp { get; init; }

        public int Batch { get; init; } = 1000;

        public string Host { get; init; } = "127.0.0.1";

        public int Port { get; init; } = 7400;
    }

    internal static bool TryParse(string[] args, out Options? options, out string? problem)
    {
        (options, problem) = (null, null);
        if (args.Length < 2 || args[1] != "ledger")
        {
            problem = args.Length < 2 ? "name the projection: ledger" : $"unknown projection '{args[1]}' (this build has: ledger)";
            return false;
        }

        var o = new Options();
        for (int i = 2; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--until-caught-up")
            {
                o = o with { UntilCaughtUp = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                problem = arg.StartsWith("--", StringComparison.Ordinal) ? $"{arg} needs a value" : $"unexpected argument '{arg}'";
                return false;
            }

            string value = args[++i];
            bool ok = true;
            switch (arg)
            {
                case "--sqlite":
                    o = o with { Sqlite = value };
                    break;
                case "--postgres":
                    o = o with { Postgres = value };
                    break;
                case "--name":
                    ok = ConsumerLimits.TryValidateConsumerName(System.Text.Encoding.UTF8.GetBytes(value), out _);
                    o = o with { Name = value };
                    break;
                case "--batch":
                    ok = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int batch) && batch is >= 1 and <= 1_000_000;
                    o = o with { Batch = batch };
                    break;
                case "--host":
                    o = o with { Host = value };
                    break;
                case "--port":
                    ok = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536;
                    o = o with { Port = port };
                    break;
                default:
                    problem = $"unknown option '{arg}'";
                    return false;
            }

            if (!ok)
            {
                problem = $"{arg}: '{value}' is not a valid value";
                return false;
            }
        }

        if ((o.Sqlite is null) == (o.Postgres is null))
        {
            problem = "give exactly one of --sqlite FILE and --postgres CONNECTION-STRING";
            return false;
        }

        options = o;
        return true;
    }
}
