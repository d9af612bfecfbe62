using System;
using System.Globalization;

namespace Pipeline.Streams.Samples;

internal sealed class SampleOptions
{
    public const int DefaultPort = 8888;

    /// <summary>The service's default ingest port (ledger-windows connects to it).</summary>
    public const int LedgerServicePort = 7400;

    public string Mode { get; private set; } = "";

    public int Port { get; private set; } = DefaultPort;

    public string Host { get; private set; } = "127.0.0.1";

    public TimeSpan Size { get; private set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Slide { get; private set; } = TimeSpan.FromSeconds(5);

    public static string Usage { get; } =
        """
        Stream processing samples on Pipeline.Streams: the sample listens on 127.0.0.1:PORT; you type numbers into it.

          sum             [--port 8888]                          the running sum, printed after each line
          window-average  [--port 8888] [--size 10s --slide 5s]  one line per closed window: [start, end) count=N average=X
          ledger-windows  [--host 127.0.0.1] [--port 7400]       the ledger's windows in this process, fed by a subscription
                                                                 to a running service (its default windows); prints
                                                                 each local result and the service's stored ones

        Feed it from another terminal (one client at a time; the next may connect when it leaves):
          nc 127.0.0.1 8888                                 then type numbers, e.g. "1 2, 3.5"
          printf '1 2 3\n4\n' | nc -q1 127.0.0.1 8888       or pipe a file
        (nc on Debian: apt-get install -y netcat-openbsd)
        Numbers are split on whitespace and commas; a token that is not a finite number is reported on stderr and skipped.
        Durations: 500ms, 10s, 2m. Window times are printed in UTC. Ctrl+C stops.
        """;

    // Returns null and an error message for bad arguments.
    public static SampleOptions? TryParse(string[] args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        error = null;
        if (args.Length == 0 || (args[0] != "sum" && args[0] != "window-average" && args[0] != "ledger-windows"))
        {
            error = args.Length == 0 ? "missing command" : $"unknown command '{args[0]}'";
            return null;
        }

        var options = new SampleOptions { Mode = args[0] };
        if (options.Mode == "ledger-windows")
        {
            options.Port = LedgerServicePort;
        }

        for (int i = 1; i < args.Length; i += 2)
        {
            string name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value";
                return null;
            }

            string value = args[i + 1];
            switch (name)
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535:
                    options.Port = port;
                    break;
                case "--host" when options.Mode == "ledger-windows" && value.Length > 0:
                    options.Host = value;
                    break;
                case "--size" when options.Mode == "window-average" && TryParseDuration(value, out TimeSpan size):
                    options.Size = size;
                    break;
                case "--slide" when options.Mode == "window-average" && TryParseDuration(value, out TimeSpan slide):
                    options.Slide = slide;
                    break;
                default:
                    error = $"bad option {name} {value}";
                    return null;
            }
        }

        if (options.Slide > options.Size)
        {
            error = "--slide must not be longer than --size";
            return null;
        }

        return options;
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = default;
        (string digits, long unitTicks) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], TimeSpan.TicksPerMillisecond),
            _ when text.EndsWith('s') => (text[..^1], TimeSpan.TicksPerSecond),
            _ when text.EndsWith('m') => (text[..^1], TimeSpan.TicksPerMinute),
            _ => ("", 0L),
        };
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long amount)
            || amount <= 0 || amount > TimeSpan.MaxValue.Ticks / unitTicks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks(amount * unitTicks);
        return true;
    }
}
