using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.Server.Cli;

/// <summary>
/// <c>fetch</c>: one long-poll FETCH (protocol version 3): prints its events as JSON lines, then a
/// <c>{"next":N,"head":H}</c> line (fetch from <c>next</c> the next time). A status other than OK goes to standard error.
/// </summary>
internal static class FetchCommand
{
    public const string Usage =
        "usage: fetch [--from POSITION] [--max N] [--max-bytes N] [--wait-ms MS]\n" +
        "             [--stream ID | --stream-prefix P | --type-prefix T | --producer ID] [--host H] [--port P]\n" +
        "  --from        the first position (default 1)\n" +
        "  --max         the most events, 1..10000 (default 100)\n" +
        "  --max-bytes   the most bytes of events, 1..16777216 (default 1048576)\n" +
        "  --wait-ms     wait up to this long for a matching event when none is there yet, 0..60000 (default 0)";

    private static readonly string[] ValueOptions = ["from", "max", "max-bytes", "wait-ms", "stream", "stream-prefix", "type-prefix", "producer"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!CliException.TryParse(Parse, args, Usage, error, out Options? options))
        {
            return OperatorCommands.Usage;
        }

        try
        {
            var clientOptions = new PipelineClientOptions { Host = options.Host, Port = options.Port, ClientName = "pipeline-cli", ProtocolVersion = 3 };
            await using PipelineClient client = await PipelineClient.ConnectAsync(clientOptions, cancellationToken).ConfigureAwait(false);
            FetchResult result = await client.FetchAsync(options.Request, cancellationToken).ConfigureAwait(false);
            foreach (StoredEvent e in result.Events)
            {
                output.WriteLine(EventReadCommand.ToJson(e));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"next\":{result.Next},\"head\":{result.HeadPosition}}}"));
            if (result.Status != ReadStatus.Ok)
            {
                error.WriteLine($"end: {result.Status} {result.Message}".TrimEnd());
                return OperatorCommands.TornTail;
            }

            return OperatorCommands.Ok;
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
        ClientArguments a = ClientArguments.Parse(args, 1, ValueOptions, []);
        if (a.Positional.Count > 0)
        {
            throw new CliException($"unexpected argument '{a.Positional[0]}'.");
        }

        var request = new FetchRequest
        {
            From = a.GetUInt64("from", 1),
            MaxCount = (int)a.GetUInt64("max", 100, 1, ConsumerLimits.MaxFetchCount),
            MaxBytes = (int)a.GetUInt64("max-bytes", 1024 * 1024, 1, ConsumerLimits.MaxFetchBytes),
            MaxWait = TimeSpan.FromMilliseconds(a.GetUInt64("wait-ms", 0, 0, ConsumerLimits.MaxFetchWaitMs)),
            Filter = a.GetFilter(),
        };
        return new Options(request, a.Host, a.Port);
    }

    internal sealed record Options(FetchRequest Request, string Host, int Port);
}
