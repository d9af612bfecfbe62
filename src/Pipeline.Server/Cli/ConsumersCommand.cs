using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.Server.Cli;

/// <summary>
/// <c>consumers list [--json]</c>, <c>consumers reset NAME --to POSITION</c>, <c>consumers delete NAME</c>: the durable
/// consumers of a running service (the query <c>pipeline.consumers</c>, and CONSUMER_ADMIN of protocol version 3).
/// </summary>
internal static class ConsumersCommand
{
    public const string Usage =
        "usage: consumers list [--json] | consumers reset NAME --to POSITION | consumers delete NAME   [--host H] [--port P]\n" +
        "  list     every durable consumer: position, lag behind the head, commits, whether subscribed (--json: the server's JSON)\n" +
        "  reset    set NAME's checkpoint to POSITION (backwards too); its open subscription ends (RESET)\n" +
        "  delete   forget NAME; its open subscription ends (RESET)";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!CliException.TryParse(Parse, args, Usage, error, out Options? options))
        {
            return OperatorCommands.Usage;
        }

        try
        {
            // The list is a QUERY, which every protocol version has; reset and delete need version 3.
            ushort version = options.Action == "list" ? (ushort)1 : (ushort)3;
            var clientOptions = new PipelineClientOptions { Host = options.Host, Port = options.Port, ClientName = "pipeline-cli", ProtocolVersion = version };
            await using PipelineClient client = await PipelineClient.ConnectAsync(clientOptions, cancellationToken).ConfigureAwait(false);
            switch (options.Action)
            {
                case "list" when options.Json:
                    QueryResult query = await client.QueryAsync(PipelineClient.ConsumersQuery, "{}", 0, cancellationToken).ConfigureAwait(false);
                    if (query.Status != ResultStatus.Ok)
                    {
                        error.WriteLine($"error: {PipelineClient.ConsumersQuery} answered {query.Status}: {query.Body}");
                        return OperatorCommands.TornTail;
                    }

                    output.WriteLine(query.Body);
                    return OperatorCommands.Ok;
                case "list":
                    WriteTable(await client.ListConsumersAsync(cancellationToken).ConfigureAwait(false), output);
                    return OperatorCommands.Ok;
                default:
                    CommitResult result = options.Action == "reset"
                        ? await client.ResetConsumerAsync(options.Name!, options.Position, cancellationToken).ConfigureAwait(false)
                        : await client.DeleteConsumerAsync(options.Name!, cancellationToken).ConfigureAwait(false);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{options.Action.ToUpperInvariant()} {result.Status} position={result.Position} {result.Message}").TrimEnd());
                    return result.Status == ConsumerResultStatus.Ok ? OperatorCommands.Ok : OperatorCommands.TornTail;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return OperatorCommands.Ok;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ServerErrorException or InvalidOperationException)
        {
            error.WriteLine($"error: {ex.Message} (is the service running on {options.Host}:{options.Port}?)");
            return OperatorCommands.Damaged;
        }
    }

    /// <exception cref="CliException">A bad sub-command or option; the message says which.</exception>
    internal static Options Parse(string[] args)
    {
        string action = args.Length > 1 ? args[1] : throw new CliException("consumers needs list, reset or delete.");
        ClientArguments a = action switch
        {
            "list" => ClientArguments.Parse(args, 2, [], ["json"]),
            "reset" => ClientArguments.Parse(args, 2, ["to"], []),
            "delete" => ClientArguments.Parse(args, 2, [], []),
            _ => throw new CliException($"unknown consumers command '{action}'; use list, reset or delete."),
        };

        int names = action == "list" ? 0 : 1;
        if (a.Positional.Count != names)
        {
            throw new CliException(names == 0
                ? $"unexpected argument '{a.Positional[0]}'."
                : $"consumers {action} needs exactly one consumer NAME{(a.Positional.Count == 0 ? "" : $", not {a.Positional.Count}")}.");
        }

        string? name = names == 1 ? ClientArguments.CheckConsumerName(a.Positional[0], "NAME") : null;
        if (action == "reset" && !a.Has("to"))
        {
            throw new CliException("consumers reset needs --to POSITION.");
        }

        return new Options(action, name, a.GetUInt64("to", 0), a.Has("json"), a.Host, a.Port);
    }

    private static void WriteTable(IReadOnlyList<ConsumerInfo> consumers, TextWriter output)
    {
        if (consumers.Count == 0)
        {
            output.WriteLine("no consumers");
            return;
        }

        int width = "CONSUMER".Length;
        foreach (ConsumerInfo c in consumers)
        {
            width = Math.Max(width, c.Name.Length);
        }

        output.WriteLine($"{"CONSUMER".PadRight(width)}  {"POSITION",12}  {"LAG",12}  {"COMMITS",10}  SUBSCRIBED  UPDATED");
        foreach (ConsumerInfo c in consumers)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name.PadRight(width)}  {c.Position,12}  {c.Lag,12}  {c.Commits,10}  {(c.Subscribed ? "yes" : "no"),-10}  {c.UpdatedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"head {consumers[0].HeadPosition}"));
    }

    internal sealed record Options(string Action, string? Name, ulong Position, bool Json, string Host, int Port);
}
