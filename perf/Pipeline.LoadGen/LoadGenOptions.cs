using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Pipeline.LoadGen;

/// <summary>The command line: a verb (<c>load</c>, <c>recovery</c> or <c>catchup</c>) and <c>--name value</c> options.</summary>
internal sealed class LoadGenOptions
{
    public const string Usage = """
        Usage:
          Pipeline.LoadGen load --mode open --rate RATE [options]    (--rate alone implies --mode open; the verb load may be left out)
          Pipeline.LoadGen load --mode closed [--window N] [--batch N] [options]
          Pipeline.LoadGen recovery --events N [--snapshot true|false] [options]
          Pipeline.LoadGen catchup --events N [--repeat R] [--credits N] [--fetch true|false] [--stream-reads N] [options]

        load options:
          --mode open|closed        open: a fixed rate, latency from each command's intended send time
                                    (coordinated-omission corrected); closed: a window in flight per connection
          --rate RATE               open loop: commands per second over all connections (50000, 50k, 1.5M)
          --pacing shared|spread    open loop: when each connection's due commands are written (default shared).
                                    shared: one pacer round about every 1 ms writes all connections at once;
                                    spread: connection i of N is written at i/N of each 1 ms period, so the
                                    writes arrive spread over the millisecond, as from unsynchronised clients.
                                    The intended send times (and so the latency's origin) are the same in both.
          --window N                closed loop: commands in flight per connection (default 1024)
          --batch N                 closed loop: commands per batch (default 64; the window refills a batch at a time)
          --duration SECONDS        measured time (default 10)
          --warmup SECONDS          time before the measured part, not recorded (default 3)
          --host HOST --port P      drive an already running server instead of starting one
          --durability Batch|Interval|None   the started server's journal durability (default Batch; also catchup)
          --subscribers N           subscribing clients beside the publishers, 0 to 1000 (default 0). Each reads
                                    every event (protocol version 3) and times each live event of the measured part:
                                    ACK seen by the publisher -> received (NAME.subscribe.hgrm) and publish sent ->
                                    received; the JSON gets their events/s, the slowest one's lag at the end and more
          --subscribe-from end|start  where the subscribers start when the measured part begins: the end of the
                                    store (default; live events only) or its start (the history first, then live)
          --credits N               each subscription's credit window, 1 to 1000000 (load default 1024, catchup 8192)
        recovery options:
          --events N                commands to journal before the restart (default 1000000)
          --snapshot true|false     restart from a snapshot taken near the end, or replay the whole journal (default false)
                                    (the journal is built with durability Batch)
          --keep-data DIR           copy the killed server's data folder to DIR (which must not exist) before the
                                    restart, to restart or profile the same data again
        catchup options (fill the store closed loop, then one subscriber reads it all from the start):
          --events N                commands to publish before the reads (default 1000000)
          --repeat R                reads of the whole store, 1 to 100; the result is their median (default 3)
          --fetch true|false        also read it with FETCH (max_count 10000) in a loop, R times (default true)
          --stream-reads N          time N reads of one stream of exactly 1,000 events spread over the store (the
                                    account "probe": opened, then 999 deposits sent as the fill passes each
                                    thousandth of its commands), after 5 untimed; 0 to skip (default 50)
        common options:
          --connections N           connections (default 8)
          --accounts N              ledger accounts opened by the setup (default 10000)
          --out DIR                 where <name>.json and <name>.hgrm go (default: perf/results/loadgen/ under the
                                    repository root, the nearest folder at or above the current one holding
                                    Pipeline.sln; outside the repository --out is required)
          --name NAME               the run's name (default: derived from the options)
          --server-args "ARGS"      extra arguments for the started server, split at spaces
                                    (e.g. "--Pipeline:Engine:RingSize=16384 --Pipeline:Engine:DecodeHandlers=1")
          --help                    this text
        Exit codes: 0 success, 1 the run failed (errors, or the server failed), 2 bad command line.
        """;

    /// <summary>The catch-up verb's default credit window.</summary>
    public const int CatchupCredits = 8192;

    /// <summary>The most subscribers of a load run (the server's default limit is 1024 subscriptions).</summary>
    public const int MaxSubscribers = 1000;

    public LoadGenVerb Verb { get; private set; }

    public bool Help { get; private set; }

    public LoadMode Mode { get; private set; } = LoadMode.Closed;

    /// <summary>Open loop: commands per second over all connections; 0 in closed loop.</summary>
    public double Rate { get; private set; }

    /// <summary>Open loop: when each connection's due commands are written.</summary>
    public OpenLoopPacing Pacing { get; private set; } = OpenLoopPacing.Shared;

    public string Host { get; private set; } = "127.0.0.1";

    /// <summary>0: start a server; otherwise drive the one listening there.</summary>
    public int Port { get; private set; }

    public string Durability { get; private set; } = "Batch";

    public int Connections { get; private set; } = 8;

    public int Window { get; private set; } = 1024;

    public int Batch { get; private set; } = 64;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(3);

    public int Accounts { get; private set; } = 10_000;

    public long Events { get; private set; } = 1_000_000;

    public bool Snapshot { get; private set; }

    /// <summary>Recovery: the data folder to build and keep, or null for a temporary one deleted after the run.</summary>
    public string? KeepData { get; private set; }

    /// <summary>The folder of the result files: <c>--out</c>, or perf/results/loadgen/ under the repository root.</summary>
    public string OutDirectory { get; private set; } = string.Empty;

    public string Name { get; private set; } = string.Empty;

    public string ServerArgs { get; private set; } = string.Empty;

    /// <summary>Load: subscribing clients beside the publishers (0: none).</summary>
    public int Subscribers { get; private set; }

    /// <summary>Load: the subscribers read from position 1 instead of the end of the store.</summary>
    public bool SubscribeFromStart { get; private set; }

    /// <summary>Each subscription's credit window (the verb's default unless --credits).</summary>
    public int Credits { get; private set; }

    /// <summary>Catch-up: reads of the whole store (the result is their median).</summary>
    public int Repeat { get; private set; } = 3;

    /// <summary>Catch-up: timed reads of the probe stream (1,000 events spread over the store); 0 to skip.</summary>
    public int StreamReads { get; private set; } = 50;

    /// <summary>Catch-up: also read the store with FETCH.</summary>
    public bool Fetch { get; private set; } = true;

    /// <summary>Parses the command line; on failure <paramref name="error"/> names the option and the rule.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out LoadGenOptions options, out string? error) =>
        TryParse(args, Environment.CurrentDirectory, out options, out error);

    /// <summary>
    /// Parses the command line as run from <paramref name="currentDirectory"/>, where the search for the repository
    /// root (the default <c>--out</c>) starts.
    /// </summary>
    public static bool TryParse(IReadOnlyList<string> args, string currentDirectory, out LoadGenOptions options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentException.ThrowIfNullOrEmpty(currentDirectory);
        options = new LoadGenOptions();
        error = null;
        if (args.Count == 0)
        {
            error = "missing verb: load, recovery or catchup (see --help)";
            return false;
        }

        if (args[0] is "--help" or "-h" or "help")
        {
            options.Help = true;
            return true;
        }

        int first = 1;
        switch (args[0])
        {
            case "load":
                options.Verb = LoadGenVerb.Load;
                break;
            case "recovery":
                options.Verb = LoadGenVerb.Recovery;
                break;
            case "catchup":
                options.Verb = LoadGenVerb.Catchup;
                break;
            case string option when option.StartsWith("--", StringComparison.Ordinal):
                // The first version's command line had no verb: options alone mean load.
                options.Verb = LoadGenVerb.Load;
                first = 0;
                break;
            default:
                error = $"unknown verb '{args[0]}': expected load, recovery or catchup (see --help)";
                return false;
        }

        string verb = first == 0 ? "load" : args[0];
        bool modeGiven = false;
        bool pacingGiven = false;
        bool fromGiven = false;
        for (int i = first; i < args.Count; i++)
        {
            string option = args[i];
            if (option is "--help" or "-h")
            {
                options.Help = true;
                return true;
            }

            if (!option.StartsWith("--", StringComparison.Ordinal) || !IsKnown(option))
            {
                error = $"unknown option '{option}' (see --help)";
                return false;
            }

            if (!AppliesTo(option, options.Verb))
            {
                error = $"option {option} does not apply to the {verb} verb";
                return false;
            }

            if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && option != "--server-args"))
            {
                error = $"option {option} needs a value";
                return false;
            }

            string value = args[++i];
            error = options.Apply(option, value);
            if (error is not null)
            {
                return false;
            }

            modeGiven |= option == "--mode";
            pacingGiven |= option == "--pacing";
            fromGiven |= option == "--subscribe-from";
        }

        error = options.Validate(modeGiven, pacingGiven, fromGiven, currentDirectory);
        return error is null;
    }

    /// <summary>A rate: <c>50000</c>, <c>50k</c>, <c>1.5M</c>, <c>2.5e5</c>; positive and finite.</summary>
    public static bool TryParseRate(string text, out double rate)
    {
        ArgumentNullException.ThrowIfNull(text);
        rate = 0;
        double scale = 1;
        string number = text.Trim();
        if (number.EndsWith('k') || number.EndsWith('K'))
        {
            scale = 1_000;
            number = number[..^1];
        }
        else if (number.EndsWith('M') || number.EndsWith('m'))
        {
            scale = 1_000_000;
            number = number[..^1];
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return false;
        }

        rate = value * scale;
        return double.IsFinite(rate) && rate > 0;
    }

    private static bool IsKnown(string option) => option is "--mode" or "--rate" or "--pacing" or "--host" or "--port" or "--durability"
        or "--connections" or "--window" or "--batch" or "--duration" or "--warmup" or "--accounts" or "--events"
        or "--snapshot" or "--keep-data" or "--out" or "--name" or "--server-args" or "--subscribers" or "--subscribe-from"
        or "--credits" or "--repeat" or "--fetch" or "--stream-reads";

    private static bool AppliesTo(string option, LoadGenVerb verb) => option switch
    {
        "--mode" or "--rate" or "--pacing" or "--duration" or "--warmup" or "--host" or "--port" or "--subscribers" or "--subscribe-from" => verb == LoadGenVerb.Load,
        "--durability" or "--credits" => verb is LoadGenVerb.Load or LoadGenVerb.Catchup,
        "--events" => verb is LoadGenVerb.Recovery or LoadGenVerb.Catchup,
        "--snapshot" or "--keep-data" => verb == LoadGenVerb.Recovery,
        "--repeat" or "--fetch" or "--stream-reads" => verb == LoadGenVerb.Catchup,
        _ => true,
    };

    private string? Apply(string option, string value)
    {
        switch (option)
        {
            case "--mode":
                if (value.Equals("open", StringComparison.OrdinalIgnoreCase))
                {
                    Mode = LoadMode.Open;
                }
                else if (value.Equals("closed", StringComparison.OrdinalIgnoreCase))
                {
                    Mode = LoadMode.Closed;
                }
                else
                {
                    return $"option --mode: '{value}' is not open or closed";
                }

                return null;
            case "--rate":
                if (!TryParseRate(value, out double rate))
                {
                    return $"option --rate: '{value}' is not a positive rate (e.g. 50000, 50k, 1.5M)";
                }

                Rate = rate;
                return null;
            case "--pacing":
                if (value.Equals("shared", StringComparison.OrdinalIgnoreCase))
                {
                    Pacing = OpenLoopPacing.Shared;
                }
                else if (value.Equals("spread", StringComparison.OrdinalIgnoreCase))
                {
                    Pacing = OpenLoopPacing.Spread;
                }
                else
                {
                    return $"option --pacing: '{value}' is not shared or spread";
                }

                return null;
            case "--host":
                Host = value;
                return null;
            case "--port":
                return ParseInt(option, value, 1, 65535, v => Port = v);
            case "--durability":
                foreach (string known in (string[])["Batch", "Interval", "None"])
                {
                    if (value.Equals(known, StringComparison.OrdinalIgnoreCase))
                    {
                        Durability = known;
                        return null;
                    }
                }

                return $"option --durability: '{value}' is not Batch, Interval or None";
            case "--connections":
                return ParseInt(option, value, 1, 4096, v => Connections = v);
            case "--window":
                return ParseInt(option, value, 1, 1 << 20, v => Window = v);
            case "--batch":
                return ParseInt(option, value, 1, 1 << 16, v => Batch = v);
            case "--accounts":
                return ParseInt(option, value, 1, 10_000_000, v => Accounts = v);
            case "--duration":
                return ParseSeconds(option, value, allowZero: false, v => Duration = v);
            case "--warmup":
                return ParseSeconds(option, value, allowZero: true, v => Warmup = v);
            case "--events":
                if (!TryParseRate(value, out double events) || events != Math.Floor(events) || events > 1e12)
                {
                    return $"option --events: '{value}' is not a positive whole number (e.g. 1000000, 1M)";
                }

                Events = (long)events;
                return null;
            case "--subscribers":
                return ParseInt(option, value, 0, MaxSubscribers, v => Subscribers = v);
            case "--subscribe-from":
                if (value.Equals("end", StringComparison.OrdinalIgnoreCase))
                {
                    SubscribeFromStart = false;
                }
                else if (value.Equals("start", StringComparison.OrdinalIgnoreCase))
                {
                    SubscribeFromStart = true;
                }
                else
                {
                    return $"option --subscribe-from: '{value}' is not end or start";
                }

                return null;
            case "--credits":
                return ParseInt(option, value, 1, Protocol.ConsumerLimits.MaxCredits, v => Credits = v);
            case "--repeat":
                return ParseInt(option, value, 1, 100, v => Repeat = v);
            case "--stream-reads":
                return ParseInt(option, value, 0, 100_000, v => StreamReads = v);
            case "--fetch":
                if (!bool.TryParse(value, out bool fetch))
                {
                    return $"option --fetch: '{value}' is not true or false";
                }

                Fetch = fetch;
                return null;
            case "--snapshot":
                if (!bool.TryParse(value, out bool snapshot))
                {
                    return $"option --snapshot: '{value}' is not true or false";
                }

                Snapshot = snapshot;
                return null;
            case "--keep-data":
                if (value.Length == 0 || Directory.Exists(value) || File.Exists(value))
                {
                    return $"option --keep-data: '{value}' must name a folder that does not exist yet";
                }

                KeepData = Path.GetFullPath(value);
                return null;
            case "--out":
                if (value.Length == 0)
                {
                    return "option --out: the folder must not be empty";
                }

                OutDirectory = value;
                return null;
            case "--name":
                if (value.Length == 0 || value.IndexOfAny(['/', '\\']) >= 0)
                {
                    return $"option --name: '{value}' must be a non-empty file name without a folder";
                }

                Name = value;
                return null;
            default: // --server-args
                ServerArgs = value;
                return null;
        }
    }

    private string? Validate(bool modeGiven, bool pacingGiven, bool fromGiven, string currentDirectory)
    {
        if (Verb == LoadGenVerb.Load)
        {
            if (Mode == LoadMode.Open && Rate == 0)
            {
                return "option --rate is required with --mode open";
            }

            if (Mode == LoadMode.Closed && Rate != 0)
            {
                if (modeGiven)
                {
                    return "option --rate applies only to --mode open";
                }

                Mode = LoadMode.Open; // a rate alone means open loop
            }

            if (Mode == LoadMode.Closed && pacingGiven)
            {
                return "option --pacing applies only to --mode open";
            }

            if (fromGiven && Subscribers == 0)
            {
                return "option --subscribe-from applies only with --subscribers 1 or more";
            }
        }

        if (Credits == 0)
        {
            Credits = Verb == LoadGenVerb.Catchup ? CatchupCredits : Client.SubscriptionOptions.DefaultCredits;
        }

        if (Batch > Window)
        {
            return $"option --batch ({Batch}) must not exceed --window ({Window})";
        }

        if (OutDirectory.Length == 0)
        {
            // Never the current folder: result files left there end up committed by accident.
            if (!RepositoryRoot.TryFind(currentDirectory, out string? root))
            {
                return $"no --out given and no {RepositoryRoot.SolutionFile} in {Path.GetFullPath(currentDirectory)} or above it: "
                    + $"run from inside the repository (files go to {RepositoryRoot.DefaultOutDirectory}{Path.DirectorySeparatorChar} under its root) or give --out DIR";
            }

            OutDirectory = Path.Combine(root, RepositoryRoot.DefaultOutDirectory);
        }

        if (Name.Length == 0)
        {
            string subscribers = Subscribers > 0 ? string.Create(CultureInfo.InvariantCulture, $"-subs{Subscribers}") : string.Empty;
            Name = Verb switch
            {
                LoadGenVerb.Recovery => string.Create(CultureInfo.InvariantCulture, $"recovery-{Events}{(Snapshot ? "-snapshot" : string.Empty)}"),
                LoadGenVerb.Catchup => string.Create(CultureInfo.InvariantCulture, $"catchup-{Events}"),
                _ => Mode == LoadMode.Open
                    ? string.Create(CultureInfo.InvariantCulture, $"open-{Rate}-{Durability}{(Pacing == OpenLoopPacing.Spread ? "-spread" : string.Empty)}{subscribers}")
                    : $"closed-{Durability}{subscribers}",
            };
        }

        return null;
    }

    private static string? ParseInt(string option, string value, int min, int max, Action<int> set)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) || parsed < min || parsed > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"option {option}: '{value}' is not a whole number from {min} to {max}");
        }

        set(parsed);
        return null;
    }

    private static string? ParseSeconds(string option, string value, bool allowZero, Action<TimeSpan> set)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !double.IsFinite(seconds)
            || seconds < 0 || (seconds == 0 && !allowZero) || seconds > 86_400)
        {
            return $"option {option}: '{value}' is not a number of seconds{(allowZero ? " (0 or more)" : " (more than 0)")}";
        }

        set(TimeSpan.FromSeconds(seconds));
        return null;
    }
}
