using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.Server.Cli;

/// <summary>
/// <c>subscribe</c> (alias <c>tail</c>): prints the events of a push subscription (protocol version 3) as JSON lines, in
/// the shape <c>read</c> prints, and one <c>{"caughtUp": position}</c> line when the history is done; runs until
/// <c>--count</c> events, Ctrl+C, or the server ends the subscription. With <c>--consumer</c> it is a durable consumer
/// that commits its position every <c>--commit-every</c> events and at exit.
/// </summary>
internal static class SubscribeCommand
{
    public const string Usage =
        "usage: subscribe|tail [--from-start | --from-end | --from POSITION] [--consumer NAME [--commit-every N]]\n" +
        "                      [--stream ID | --stream-prefix P | --type-prefix T | --producer ID] [--count N] [--host H] [--port P]\n" +
        "  --from-start     from position 1 (the default)\n" +
        "  --from-end       only events that become visible from now on\n" +
        "  --from           from this position\n" +
        "  --consumer       a durable consumer: resumes after its checkpoint (the start options apply only when it has none)\n" +
        "  --commit-every   commit the consumer's position every N events (default 1000) and at exit\n" +
        "  --stream, --stream-prefix, --type-prefix, --producer   one filter (e.g. --type-prefix ledger.)\n" +
        "  --count          stop after N events";

    public const ulong DefaultCommitEvery = 1000;

    private static readonly string[] ValueOptions = ["from", "consumer", "commit-every", "stream", "stream-prefix", "type-prefix", "producer", "count"];
    private static readonly string[] Flags = ["from-start", "from-end"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!CliException.TryParse(Parse, args, Usage, error, out Options? options))
        {
            return OperatorCommands.Usage;
        }

        try
        {
            var clientOptions = new PipelineClientOptions { Host = options.Host, Port = options.Port, ClientName = "pipeline-cli", ProtocolVersion = 3, AutoReconnect = true };
            await using PipelineClient client = await PipelineClient.ConnectAsync(clientOptions, cancellationToken).ConfigureAwait(false);
            return await SubscribeAsync(client, options, output, error, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return OperatorCommands.Ok;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ServerErrorException or InvalidOperationException)
        {
            error.WriteLine($"error: {ex.Message} (is the service running on {options.Host}:{options.Port}, speaking protocol version 3?)");
            return OperatorCommands.Damaged;
        }
    }

    /// <exception cref="CliException">A bad option; the message says which.</exception>
    internal static Options Parse(string[] args)
    {
        ClientArguments a = ClientArguments.Parse(args, 1, ValueOptions, Flags);
        if (a.Positional.Count > 0)
        {
            throw new CliException($"unexpected argument '{a.Positional[0]}'.");
        }

        int starts = (a.Has("from-start") ? 1 : 0) + (a.Has("from-end") ? 1 : 0) + (a.Has("from") ? 1 : 0);
        if (starts > 1)
        {
            throw new CliException("choose one of --from-start, --from-end and --from.");
        }

        SubscriptionStart start = a.Has("from-end") ? SubscriptionStart.End : a.Has("from") ? SubscriptionStart.StartAt : SubscriptionStart.Beginning;
        string? consumer = a.Get("consumer") is { } name ? ClientArguments.CheckConsumerName(name, "--consumer") : null;
        if (consumer is null && a.Has("commit-every"))
        {
            throw new CliException("--commit-every needs --consumer (an anonymous subscription commits nothing).");
        }

        return new Options(
            new SubscriptionOptions
            {
                Start = start,
                From = a.GetUInt64("from", 0),
                Filter = a.GetFilter(),
                Consumer = consumer,
            },
            a.GetUInt64("commit-every", DefaultCommitEvery, 1),
            a.GetUInt64("count", ulong.MaxValue, 1),
            a.Host,
            a.Port);
    }

    private static async Task<int> SubscribeAsync(PipelineClient client, Options options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? consumer = options.Subscription.Consumer;
        ulong events = 0;
        ulong sinceCommit = 0;
        ulong considered = 0; // every event up to it was handled: what the consumer may commit
        ulong committed = 0;
        bool caughtUp = false;
        int code = OperatorCommands.Ok;
        bool commitAtExit = consumer is not null;
        try
        {
            await foreach (SubscriptionItem item in client.SubscribeAsync(options.Subscription, cancellationToken).ConfigureAwait(false))
            {
                considered = Math.Max(considered, item.Position);
                if (item.Kind == SubscriptionItemKind.CaughtUp && !caughtUp)
                {
                    caughtUp = true;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"caughtUp\":{item.Position}}}"));
                }
                else if (item.Event is { } e)
                {
                    output.WriteLine(EventReadCommand.ToJson(e));
                    events++;
                    if (consumer is not null && ++sinceCommit >= options.CommitEvery)
                    {
                        sinceCommit = 0;
                        committed = await CommitAsync(client, consumer, considered, error, cancellationToken).ConfigureAwait(false);
                    }

                    if (events >= options.Count)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: a normal stop.
        }
        catch (SubscriptionEndedException ex)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"end: {ex.Status}, next {ex.Next} {ex.ServerMessage}").TrimEnd());
            commitAtExit &= ex.Status != SubscriptionEndStatus.Reset; // the operator's reset wins
            code = OperatorCommands.TornTail;
        }

        if (commitAtExit && considered > committed)
        {
            await CommitAsync(client, consumer!, considered, error, CancellationToken.None).ConfigureAwait(false);
        }

        return code;
    }

    private static async Task<ulong> CommitAsync(PipelineClient client, string consumer, ulong position, TextWriter error, CancellationToken cancellationToken)
    {
        CommitResult result = await client.CommitAsync(consumer, position, cancellationToken).ConfigureAwait(false);
        if (result.Status is not (ConsumerResultStatus.Ok or ConsumerResultStatus.Stale))
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"commit of {position} for {consumer}: {result.Status} {result.Message}").TrimEnd());
        }

        return position;
    }

    internal sealed record Options(SubscriptionOptions Subscription, ulong CommitEvery, ulong Count, string Host, int Port);
}
