using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Pipeline.LoadGen;

namespace Pipeline.Peers;

/// <summary>The command line: <c>run</c> with <c>--name value</c> options, or <c>check</c>, or <c>systems</c>.</summary>
internal sealed class PeerOptions
{
    public const string Usage = """
        Usage:
          Pipeline.Peers run --system SYSTEM --workload append --mode closed|open [--rate RATE] [options]
          Pipeline.Peers run --system SYSTEM --workload read [--events N] [--stream-reads N] [--repeat R] [options]
          Pipeline.Peers run --system SYSTEM --workload subscribe --rate RATE [options]
          Pipeline.Peers check --system SYSTEM     exit 0 when the system's server is installed, 3 (with the reason) when not
          Pipeline.Peers systems                   the systems and their settings, one per line

        Runs one measurement against one peer system (its own server, started on a free port with its data under
        --out, stopped afterwards) and writes <name>.json (+ <name>.hgrm). Pipeline itself is measured by
        Pipeline.LoadGen with the same workloads; run-perf.sh --only peers interleaves both.

        Systems: marten, marten-batch (64 commands per session), redis, nats (JetStream as it ships), nats-sync
        (JetStream in its most durable setting), memory (an in-process fake, for tests).

        Workloads:
          append      one event per command (the ledger mix) to the stream of its account. closed: --window events in
                      flight per connection (as many as the system's client allows), --batch per append call; open:
                      a fixed --rate over all connections, latency from each command's intended send time
                      (coordinated-omission corrected, the load generator's schedule)
          read        fill the store with --events events (the ledger mix, plus exactly 1,000 in stream
                      account-probe, spread evenly), then time --stream-reads reads of that stream and --repeat full
                      reads of the store from its start
          subscribe   a subscriber follows the store live while the connections append at --rate (open loop);
                      times each event from its send to its arrival at the subscriber

        options:
          --connections N     client connections (default 8)
          --window N          closed loop: events in flight per connection (default 1024; capped by the client)
          --batch N           most events per append call (default 64; marten 1). Open loop and subscribe: a sender
                              takes what is due, up to this
          --rate RATE         open loop, subscribe: events per second (50000, 50k, 1.5M)
          --duration SECONDS  measured time (default 10)
          --warmup SECONDS    before the measured part, not recorded (default 3)
          --accounts N        accounts (streams) of the mix (default 10000)
          --events N          read: events in the store (default 1000000)
          --stream-reads N    read: timed reads of the probe stream (default 50, after 5 untimed)
          --repeat R          read: full reads of the store, the result is their median (default 3)
          --out DIR           where <name>.json, <name>.hgrm, <name>.log and the server's data go (required)
          --name NAME         the run's name (default: system-workload[-mode][-rate])
        Exit codes: 0 success, 1 the run failed, 2 bad command line, 3 the system is not installed (skipped).
        """;

    public const int NotInstalled = 3;

    public string Verb { get; private set; } = "run";

    public bool Help { get; private set; }

    public string System { get; private set; } = string.Empty;

    public PeerWorkloadKind Workload { get; private set; } = PeerWorkloadKind.Append;

    public bool OpenLoop { get; private set; }

    public double Rate { get; private set; }

    public int Connections { get; private set; } = 8;

    public int Window { get; private set; } = 1024;

    /// <summary>Events per append call; 0 until validated (then the workload's or system's default).</summary>
    public int Batch { get; private set; }

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(3);

    public int Accounts { get; private set; } = 10_000;

    public long Events { get; private set; } = 1_000_000;

    public int StreamReads { get; private set; } = 50;

    public int Repeat { get; private set; } = 3;

    public string OutDirectory { get; private set; } = string.Empty;

    public string Name { get; private set; } = string.Empty;

    public static bool TryParse(IReadOnlyList<string> args, string currentDirectory, out PeerOptions options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = new PeerOptions();
        error = null;
        if (args.Count == 0)
        {
            error = "missing verb: run, check or systems (see --help)";
            return false;
        }

        if (args[0] is "--help" or "-h" or "help")
        {
            options.Help = true;
            return true;
        }

        if (args[0] is not ("run" or "check" or "systems"))
        {
            error = $"unknown verb '{args[0]}': expected run, check or systems (see --help)";
            return false;
        }

        options.Verb = args[0];
        bool modeGiven = false;
        bool batchGiven = false;
        for (int i = 1; i < args.Count; i++)
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

            if (options.Verb != "run" && option != "--system")
            {
                error = $"option {option} does not apply to the {options.Verb} verb";
                return false;
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"option {option} needs a value";
                return false;
            }

            error = options.Apply(option, args[++i]);
            if (error is not null)
            {
                return false;
            }

            modeGiven |= option == "--mode";
            batchGiven |= option == "--batch";
        }

        error = options.Validate(modeGiven, batchGiven, currentDirectory);
        return error is null;
    }

    private static bool IsKnown(string option) => option is "--system" or "--workload" or "--mode" or "--rate" or "--connections"
        or "--window" or "--batch" or "--duration" or "--warmup" or "--accounts" or "--events" or "--stream-reads" or "--repeat"
        or "--out" or "--name";

    private string? Apply(string option, string value)
    {
        switch (option)
        {
            case "--system":
                if (!PeerSystems.IsKnown(value))
                {
                    return $"unknown system '{value}': expected one of {string.Join(", ", PeerSystems.Names)}";
                }

                System = value;
                return null;
            case "--workload":
                switch (value)
                {
                    case "append": Workload = PeerWorkloadKind.Append; return null;
                    case "read": Workload = PeerWorkloadKind.Read; return null;
                    case "subscribe": Workload = PeerWorkloadKind.Subscribe; return null;
                    default: return $"--workload must be append, read or subscribe, not '{value}'";
                }

            case "--mode":
                switch (value)
                {
                    case "open": OpenLoop = true; return null;
                    case "closed": OpenLoop = false; return null;
                    default: return $"--mode must be open or closed, not '{value}'";
                }

            case "--rate":
                if (!LoadGenOptions.TryParseRate(value, out double rate))
                {
                    return $"--rate must be a positive number of events per second (50000, 50k, 1.5M), not '{value}'";
                }

                Rate = rate;
                return null;
            case "--connections": return Int(option, value, 1, 256, v => Connections = v);
            case "--window": return Int(option, value, 1, 1_000_000, v => Window = v);
            case "--batch": return Int(option, value, 1, 65_536, v => Batch = v);
            case "--duration": return Seconds(option, value, allowZero: false, v => Duration = v);
            case "--warmup": return Seconds(option, value, allowZero: true, v => Warmup = v);
            case "--accounts": return Int(option, value, 8, 10_000_000, v => Accounts = v);
            case "--events":
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long events) || events < 10_000 || events > 100_000_000)
                {
                    return $"--events must be a whole number from 10000 to 100000000, not '{value}'";
                }

                Events = events;
                return null;
            case "--stream-reads": return Int(option, value, 1, 100_000, v => StreamReads = v);
            case "--repeat": return Int(option, value, 1, 100, v => Repeat = v);
            case "--out":
                OutDirectory = value;
                return null;
            case "--name":
                if (value.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || value.Contains('/', StringComparison.Ordinal))
                {
                    return $"--name must be usable as a file name, not '{value}'";
                }

                Name = value;
                return null;
            default:
                return $"unknown option '{option}'";
        }
    }

    private string? Validate(bool modeGiven, bool batchGiven, string currentDirectory)
    {
        if (Help)
        {
            return null;
        }

        if (System.Length == 0 && Verb != "systems")
        {
            return "--system is required";
        }

        if (Verb != "run")
        {
            return null;
        }

        if (OutDirectory.Length == 0)
        {
            return "--out is required";
        }

        OutDirectory = Path.GetFullPath(OutDirectory, currentDirectory);
        if (Workload == PeerWorkloadKind.Subscribe)
        {
            if (modeGiven && !OpenLoop)
            {
                return "the subscribe workload is open loop (--rate); --mode closed does not apply";
            }

            OpenLoop = true;
        }

        if (Workload == PeerWorkloadKind.Read && (modeGiven || Rate > 0))
        {
            return "--mode and --rate do not apply to the read workload";
        }

        if (OpenLoop && Rate <= 0)
        {
            return "--rate is required in open loop (and by the subscribe workload)";
        }

        if (!OpenLoop && Rate > 0)
        {
            return "--rate needs --mode open (closed loop has no rate)";
        }

        if (Accounts < Connections)
        {
            return "--accounts must be at least --connections (each connection writes its own accounts)";
        }

        if (!batchGiven)
        {
            Batch = PeerSystems.DefaultBatch(System);
        }

        if (!OpenLoop && Batch > Window)
        {
            return $"--batch ({Batch}) must not exceed --window ({Window})";
        }

        if (Name.Length == 0)
        {
            Name = Workload switch
            {
                PeerWorkloadKind.Append => OpenLoop ? $"{System}-append-open-{RateName(Rate)}" : $"{System}-append-closed",
                PeerWorkloadKind.Read => $"{System}-read",
                _ => $"{System}-subscribe-{RateName(Rate)}",
            };
        }

        _ = currentDirectory;
        return null;
    }

    /// <summary>A rate as a name part: 50000 -> 50k, 1500000 -> 1.5M.</summary>
    public static string RateName(double rate) => rate switch
    {
        >= 1_000_000 => (rate / 1_000_000).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (rate / 1_000).ToString("0.##", CultureInfo.InvariantCulture) + "k",
        _ => rate.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string? Int(string option, string value, int min, int max, Action<int> set)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) || parsed < min || parsed > max)
        {
            return $"{option} must be a whole number from {min} to {max}, not '{value}'";
        }

        set(parsed);
        return null;
    }

    private static string? Seconds(string option, string value, bool allowZero, Action<TimeSpan> set)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !double.IsFinite(seconds)
            || seconds < 0 || (seconds == 0 && !allowZero) || seconds > 3600)
        {
            return $"{option} must be a number of seconds {(allowZero ? "from 0" : "above 0")} up to 3600, not '{value}'";
        }

        set(TimeSpan.FromSeconds(seconds));
        return null;
    }
}
