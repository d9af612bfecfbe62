using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Pipeline.Client;
using Pipeline.Protocol;

namespace Pipeline.Server.Cli;

/// <summary>
/// <c>read</c>: prints stored events as JSON lines (one object per line, pipe-friendly), read from a running service
/// over protocol version 2, paging until <c>--count</c> events or the end. The end status goes to standard error.
/// </summary>
internal static class EventReadCommand
{
    public const string Usage =
        "usage: read [--from N] [--count N] [--backward] [--stream ID | --type T | --producer P | --time ISO8601] [--min-sequence N] [--host H] [--port P]\n" +
        "  --from       the first position (default 1; with --backward the newest, default the head), or with --stream the first stream version\n" +
        "  --count      the most events to print (default 100)\n" +
        "  --stream     one stream's events, by stream version (e.g. account-a-1)\n" +
        "  --type       the events of one type, from --from (e.g. ledger.deposited)\n" +
        "  --producer   the events of one producer id\n" +
        "  --time       the events from the first at or after this UTC time (e.g. 2026-12-07T12:00:00Z)\n" +
        "  --min-sequence  wait until the events of every command up to this journal sequence are readable";

    private const int Page = 1000;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (!TryParse(args, out Options? options, out string? problem))
        {
            error.WriteLine(problem);
            error.WriteLine(Usage);
            return OperatorCommands.Usage;
        }

        try
        {
            await using PipelineClient client = await PipelineClient.ConnectAsync(new PipelineClientOptions { Host = options!.Host, Port = options.Port, ClientName = "pipeline-cli", ProtocolVersion = 2 }).ConfigureAwait(false);
            ulong from = options.From;
            long left = options.Count;
            ulong minSequence = options.MinSequence;
            while (true)
            {
                int ask = (int)Math.Min(Page, left);
                ReadResult result = await client.ReadAsync(options.Selector, from, ask, minSequence, options.Key, options.Producer).ConfigureAwait(false);
                foreach (StoredEvent e in result.Events)
                {
                    output.WriteLine(ToJson(e));
                }

                left -= result.Events.Count;
                minSequence = 0;
                bool more = result.Status == ReadStatus.Ok && result.Events.Count == ask && left > 0 && !(options.Selector == ReadSelector.AllBackward && result.Next == 0);
                if (!more)
                {
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"end: {result.Status}, next {result.Next}, head {result.HeadPosition} {result.Message}").TrimEnd());
                    return result.Status == ReadStatus.Ok ? OperatorCommands.Ok : OperatorCommands.TornTail;
                }

                // TIME only finds the start: the pages after it go on by position.
                from = result.Next;
                if (options.Selector == ReadSelector.Time)
                {
                    options = options with { Selector = ReadSelector.AllForward };
                }
            }
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ServerErrorException or InvalidOperationException)
        {
            error.WriteLine($"error: {ex.Message} (is the service running on {options!.Host}:{options.Port}?)");
            return OperatorCommands.Damaged;
        }
    }

    /// <summary>One event as a compact JSON object (a JSON payload inline, any other as base64): the line every event verb prints.</summary>
    internal static string ToJson(StoredEvent e)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("position", e.Position);
            writer.WriteNumber("commandSequence", e.CommandSequence);
            writer.WriteString("timestamp", e.Timestamp.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteNumber("producerId", e.ProducerId);
            writer.WriteString("stream", e.Stream);
            writer.WriteNumber("streamVersion", e.StreamVersion);
            writer.WriteString("type", e.Type);
            writer.WriteNumber("schemaVersion", e.SchemaVersion);
            writer.WritePropertyName("payload");
            if (IsJson(e.Payload.Span))
            {
                writer.WriteRawValue(e.Payload.Span, skipInputValidation: true);
            }
            else
            {
                writer.WriteBase64StringValue(e.Payload.Span); // a payload that is not JSON is printed as base64
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static bool IsJson(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            reader.Read();
            reader.Skip();
            return !reader.Read() && payload.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryParse(string[] args, out Options? options, out string? problem)
    {
        var o = new Options();
        bool fromGiven = false;
        int selectors = 0;
        for (int i = 1; i < args.Length; i++)
        {
            string arg = args[i];
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool takesValue = arg is "--from" or "--count" or "--stream" or "--type" or "--producer" or "--time" or "--min-sequence" or "--host" or "--port";
            if (takesValue && value is null)
            {
                (options, problem) = (null, $"{arg} needs a value");
                return false;
            }

            bool ok = true;
            switch (arg)
            {
                case "--help":
                    (options, problem) = (null, "read: prints stored events as JSON lines");
                    return false;
                case "--backward":
                    o = o with { Selector = ReadSelector.AllBackward };
                    continue;
                case "--from":
                    ok = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong from);
                    o = o with { From = from };
                    fromGiven = true;
                    break;
                case "--count":
                    ok = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count > 0;
                    o = o with { Count = count };
                    break;
                case "--stream":
                    o = o with { Selector = ReadSelector.Stream, Key = value };
                    selectors++;
                    break;
                case "--type":
                    o = o with { Selector = ReadSelector.Type, Key = value };
                    selectors++;
                    break;
                case "--producer":
                    ok = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong producer) && producer > 0;
                    o = o with { Selector = ReadSelector.Producer, Producer = producer };
                    selectors++;
                    break;
                case "--time":
                    ok = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time);
                    o = o with { Selector = ReadSelector.Time, From = ok ? (ulong)time.UtcTicks : 0 };
                    selectors++;
                    break;
                case "--min-sequence":
                    ok = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong min);
                    o = o with { MinSequence = min };
                    break;
                case "--host":
                    o = o with { Host = value! };
                    break;
                case "--port":
                    ok = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536;
                    o = o with { Port = port };
                    break;
                default:
                    (options, problem) = (null, $"unknown option '{arg}'");
                    return false;
            }

            if (!ok)
            {
                (options, problem) = (null, $"{arg}: '{value}' is not a valid value");
                return false;
            }

            i++;
        }

        if (selectors > 1 || (selectors == 1 && args.Contains("--backward")))
        {
            (options, problem) = (null, "choose at most one of --stream, --type, --producer, --time, and --backward only without them");
            return false;
        }

        if (o.Selector == ReadSelector.Time && fromGiven)
        {
            (options, problem) = (null, "--time sets where to start; --from does not go with it");
            return false;
        }

        if (!fromGiven && o.Selector == ReadSelector.AllBackward)
        {
            o = o with { From = ulong.MaxValue };
        }

        (options, problem) = (o, null);
        return true;
    }

    private sealed record Options
    {
        public ReadSelector Selector { get; init; } = ReadSelector.AllForward;

        public ulong From { get; init; } = 1;

        public long Count { get; init; } = 100;

        public string? Key { get; init; }

        public ulong Producer { get; init; }

        public ulong MinSequence { get; init; }

        public string Host { get; init; } = "127.0.0.1";

        public int Port { get; init; } = 7400;
    }
}
