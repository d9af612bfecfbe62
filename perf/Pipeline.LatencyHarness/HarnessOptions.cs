using System;
using System.Collections.Generic;
using System.Globalization;

namespace Pipeline.LatencyHarness;

/// <summary>Command line of the harness.</summary>
internal sealed class HarnessOptions
{
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(3);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(1);

    public IReadOnlyList<int> Rates { get; private set; } = [100_000, 1_000_000];

    public string? Filter { get; private set; }

    public string? OutputDirectory { get; private set; }

    public bool Help { get; private set; }

    public static string Usage => """
        Pipeline.LatencyHarness: paced-producer latency of the ring's wait strategies and of System.Threading.Channels.

          --duration SECONDS   measured run per scenario and rate (default 3)
          --warmup SECONDS     discarded warm-up run before each measured run (default 1)
          --rates LIST         events per second, comma separated (default 100000,1000000)
          --filter TEXT        run only scenarios whose name contains TEXT (e.g. Yielding, Channel)
          --out DIR            results folder (default perf/results/<UTC timestamp>/latency under the repo root)
          --quick              --duration 1 --warmup 0.5
          --help               this text
        """;

    public static HarnessOptions Parse(string[] args)
    {
        var options = new HarnessOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--duration":
                    options.Duration = TimeSpan.FromSeconds(double.Parse(Value(args, ref i), CultureInfo.InvariantCulture));
                    break;
                case "--warmup":
                    options.Warmup = TimeSpan.FromSeconds(double.Parse(Value(args, ref i), CultureInfo.InvariantCulture));
                    break;
                case "--rates":
                    var rates = new List<int>();
                    foreach (string rate in Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        int parsed = int.Parse(rate.Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
                        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parsed, "--rates");
                        rates.Add(parsed);
                    }

                    options.Rates = rates;
                    break;
                case "--filter":
                    options.Filter = Value(args, ref i);
                    break;
                case "--out":
                    options.OutputDirectory = Value(args, ref i);
                    break;
                case "--quick":
                    options.Duration = TimeSpan.FromSeconds(1);
                    options.Warmup = TimeSpan.FromSeconds(0.5);
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option '{arg}' (see --help)");
            }
        }

        return options;
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"option '{args[i]}' needs a value (see --help)");
        }

        return args[++i];
    }
}
