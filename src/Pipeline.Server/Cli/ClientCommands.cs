using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;

namespace Pipeline.Server.Cli;

/// <summary>
/// A small command-line client, so a newcomer can talk to a running service without writing code:
/// <c>send TYPE JSON</c>, <c>query NAME JSON [--min-sequence N]</c>, <c>ping</c>, <c>read</c> (events as JSON
/// lines, see <see cref="EventReadCommand"/>), <c>subscribe</c>/<c>tail</c> (<see cref="SubscribeCommand"/>),
/// <c>fetch</c> (<see cref="FetchCommand"/>) and <c>consumers</c> (<see cref="ConsumersCommand"/>). Options: <c>--host</c>, <c>--port</c>.
/// </summary>
internal static class ClientCommands
{
    /// <summary>Exit code of a send, query or ping stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public static readonly string[] Verbs = ["send", "query", "ping", "read", "subscribe", "tail", "fetch", "consumers", "project"];

    /// <param name="args">The verb and its options.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where problems go.</param>
    /// <param name="cancellationToken">Ctrl+C: a subscription stops (committing a consumer's position), a fetch stops waiting.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        switch (args[0])
        {
            case "read":
                return await EventReadCommand.RunAsync(args, output, error).ConfigureAwait(false);
            case "subscribe" or "tail":
                return await SubscribeCommand.RunAsync(args, output, error, cancellationToken).ConfigureAwait(false);
            case "fetch":
                return await FetchCommand.RunAsync(args, output, error, cancellationToken).ConfigureAwait(false);
            case "consumers":
                return await ConsumersCommand.RunAsync(args, output, error, cancellationToken).ConfigureAwait(false);
            case "project":
                return await ProjectCommand.RunAsync(args, output, error, cancellationToken).ConfigureAwait(false);
        }

        string host = "127.0.0.1";
        int port = 7400;
        ulong minSequence = 0;
        ushort schemaVersion = 1;
        var positional = new System.Collections.Generic.List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--host" when i + 1 < args.Length:
                    host = args[++i];
                    break;
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out int p):
                    port = p;
                    i++;
                    break;
                case "--min-sequence" when i + 1 < args.Length && ulong.TryParse(args[i + 1], out ulong m):
                    minSequence = m;
                    i++;
                    break;
                case "--schema-version" when i + 1 < args.Length && ushort.TryParse(args[i + 1], out ushort v) && v > 0:
                    schemaVersion = v;
                    i++;
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        int expected = args[0] == "ping" ? 0 : 2;
        if (positional.Count != expected)
        {
            error.WriteLine("usage: send TYPE JSON [--schema-version N] | query NAME JSON [--min-sequence N] | ping | read | subscribe | tail | fetch | consumers   [--host H] [--port P]; 'help' lists them");
            return OperatorCommands.Usage;
        }

        try
        {
            // Version 4: a REJECTED send shows why (malformed_payload $.amount: expected integer, got string).
            await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Host = host, Port = port, ClientName = "pipeline-cli", ProtocolVersion = Protocol.FrameHeader.ExplainedRejectionProtocolVersion }, cancellationToken).ConfigureAwait(false);
            switch (args[0])
            {
                case "send":
                    Ack ack = await client.PublishAsync(positional[0], Encoding.UTF8.GetBytes(positional[1]), schemaVersion, cancellationToken).ConfigureAwait(false);
                    output.WriteLine($"ACK {ack.Status} sequence={ack.Sequence} {ack.Detail}".TrimEnd());
                    return ack.Status is Protocol.AckStatus.Ok ? OperatorCommands.Ok : OperatorCommands.TornTail;
                case "query":
                    QueryResult result = await client.QueryAsync(positional[0], positional[1], minSequence, cancellationToken).ConfigureAwait(false);
                    output.WriteLine($"RESULT {result.Status} sequence={result.Sequence} {result.Body}");
                    return result.Status is Protocol.ResultStatus.Ok ? OperatorCommands.Ok : OperatorCommands.TornTail;
                default:
                    await client.PingAsync(cancellationToken).ConfigureAwait(false);
                    output.WriteLine("PONG");
                    return OperatorCommands.Ok;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("interrupted");
            return Interrupted;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ServerErrorException or InvalidOperationException)
        {
            error.WriteLine($"error: {ex.Message} (is the service running on {host}:{port}?)");
            return OperatorCommands.Damaged;
        }
    }
}
