using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Pipeline.Protocol;

namespace Pipeline.Server.Cli;

/// <summary>
/// Options of a client verb (<c>subscribe</c>, <c>fetch</c>, <c>consumers</c>): <c>--name value</c> pairs, flags and
/// positional words, plus <c>--host</c> and <c>--port</c>, which every client verb takes.
/// </summary>
internal sealed class ClientArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private ClientArguments()
    {
    }

    public string Host { get; private set; } = "127.0.0.1";

    public int Port { get; private set; } = 7400;

    public List<string> Positional { get; } = [];

    /// <summary>Parses <paramref name="args"/> from <paramref name="start"/> on.</summary>
    /// <exception cref="CliException">An unknown option, a missing value, an option given twice, or a bad --port.</exception>
    public static ClientArguments Parse(IReadOnlyList<string> args, int start, string[] valueOptions, string[] flags)
    {
        var parsed = new ClientArguments();
        for (int i = start; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Positional.Add(arg);
                continue;
            }

            string name = arg[2..];
            bool isFlag = Array.IndexOf(flags, name) >= 0;
            if (!isFlag && name is not ("host" or "port") && Array.IndexOf(valueOptions, name) < 0)
            {
                var known = new List<string>();
                known.AddRange(Array.ConvertAll(valueOptions, o => "--" + o));
                known.AddRange(Array.ConvertAll(flags, o => "--" + o));
                known.Add("--host");
                known.Add("--port");
                throw new CliException($"unknown option '{arg}'. Options here: {string.Join(", ", known)}.");
            }

            if (parsed._values.ContainsKey(name))
            {
                throw new CliException($"{arg} is given twice.");
            }

            string value = "true";
            if (!isFlag)
            {
                if (i + 1 >= args.Count)
                {
                    throw new CliException($"{arg} needs a value.");
                }

                value = args[++i];
            }

            parsed._values[name] = value;
        }

        if (parsed._values.TryGetValue("host", out string? host))
        {
            parsed.Host = host;
        }

        parsed.Port = (int)parsed.GetUInt64("port", 7400, 1, 65535);
        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <exception cref="CliException">The value is not a whole number from <paramref name="min"/> to <paramref name="max"/>.</exception>
    public ulong GetUInt64(string name, ulong defaultValue, ulong min = 0, ulong max = ulong.MaxValue)
    {
        if (!_values.TryGetValue(name, out string? text))
        {
            return defaultValue;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) && value >= min && value <= max
            ? value
            : throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--{name} must be a whole number from {min} to {max}, not '{text}'."));
    }

    /// <summary>The filter of <c>--stream</c>, <c>--stream-prefix</c>, <c>--type-prefix</c> or <c>--producer</c> (at most one); none: every event.</summary>
    /// <exception cref="CliException">More than one filter, or a bad key or producer id.</exception>
    public EventFilter GetFilter()
    {
        string[] names = ["stream", "stream-prefix", "type-prefix", "producer"];
        string? chosen = null;
        foreach (string name in names)
        {
            if (Has(name))
            {
                if (chosen is not null)
                {
                    throw new CliException($"choose at most one filter: --{chosen} and --{name} were both given.");
                }

                chosen = name;
            }
        }

        try
        {
            return chosen switch
            {
                "stream" => EventFilter.Stream(Get(chosen)!),
                "stream-prefix" => EventFilter.StreamPrefix(Get(chosen)!),
                "type-prefix" => EventFilter.TypePrefix(Get(chosen)!),
                "producer" => EventFilter.Producer(GetUInt64(chosen, 0)),
                _ => EventFilter.None,
            };
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--{chosen}: {ex.Message.Split(" (Parameter", 2)[0]}.");
        }
    }

    /// <summary>Checks a consumer name given as <c>--{option}</c> or as a positional word.</summary>
    /// <exception cref="CliException">It is not a consumer name.</exception>
    public static string CheckConsumerName(string name, string what) =>
        ConsumerLimits.TryValidateConsumerName(Encoding.UTF8.GetBytes(name), out string? error) ? name : throw new CliException($"{what}: {error}.");
}
