using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Pipeline.Server.Cli;

/// <summary>Options of an operator verb: <c>--name value</c> pairs and flags, plus the data folder.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private CliArguments(string dataDirectory)
    {
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public string JournalDirectory => Path.Combine(DataDirectory, "journal");

    public string SnapshotDirectory => Path.Combine(DataDirectory, "snapshots");

    public string EventDirectory => Path.Combine(DataDirectory, "events");

    /// <summary>Parses options after the verb; <paramref name="known"/> lists the option names (without --) the verb takes.</summary>
    /// <exception cref="CliException">An unknown option or a missing value.</exception>
    public static CliArguments Parse(IReadOnlyList<string> args, int start, params string[] known)
    {
        string data = "data";
        var parsed = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = start; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--Pipeline:DataDirectory=", StringComparison.Ordinal))
            {
                data = arg["--Pipeline:DataDirectory=".Length..];
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CliException($"Unexpected argument '{arg}'.");
            }

            string name = arg[2..];
            string? value = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (name == "data")
            {
                data = value ?? (i + 1 < args.Count ? args[++i] : throw new CliException("--data needs a folder."));
                continue;
            }

            if (Array.IndexOf(known, name) < 0 && Array.IndexOf(known, name + "?") < 0)
            {
                throw new CliException($"Unknown option '--{name}'. Options here: {string.Join(", ", [.. Array.ConvertAll(known, k => "--" + k.TrimEnd('?')), "--data"])}.");
            }

            bool isFlag = Array.IndexOf(known, name + "?") >= 0;
            if (!isFlag && value is null)
            {
                value = i + 1 < args.Count ? args[++i] : throw new CliException($"--{name} needs a value.");
            }

            parsed[name] = value ?? "true";
        }

        var result = new CliArguments(data);
        foreach (KeyValuePair<string, string?> pair in parsed)
        {
            result._options[pair.Key] = pair.Value;
        }

        return result;
    }

    public bool HasFlag(string name) => _options.ContainsKey(name);

    public long GetLong(string name, long? defaultValue = null)
    {
        if (!_options.TryGetValue(name, out string? text) || text is null)
        {
            return defaultValue ?? throw new CliException($"--{name} is required.");
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < 0)
        {
            throw new CliException($"--{name} must be a non-negative integer, not '{text}'.");
        }

        return value;
    }
}

/// <summary>A wrong command line: the message says what is wrong; exit code 64 (EX_USAGE).</summary>
internal sealed class CliException(string message) : Exception(message)
{
    /// <summary>Parses with <paramref name="parse"/>; on a <see cref="CliException"/> prints it and <paramref name="usage"/> to <paramref name="error"/>.</summary>
    public static bool TryParse<T>(Func<string[], T> parse, string[] args, string usage, TextWriter error, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? options)
        where T : class
    {
        try
        {
            options = parse(args);
            return true;
        }
        catch (CliException ex)
        {
            error.WriteLine("error: " + ex.Message);
            error.WriteLine(usage);
            options = null;
            return false;
        }
    }
}
