using System;
using System.Globalization;

namespace Pipeline.PerfReport;

/// <summary>
/// A peers-stage run's name taken apart: <c>&lt;system&gt;-&lt;workload&gt;[-r&lt;round&gt;]</c>, the workload being
/// <c>append-closed</c>, <c>append-open-&lt;rate&gt;</c>, <c>read</c> or <c>subscribe-&lt;rate&gt;</c> (rate like 1k,
/// 50k, 1.5M). A system's name may hold dashes (<c>pipeline-none</c>, <c>marten-batch</c>); a name without a round is round 1.
/// </summary>
/// <param name="Workload">The workload as named: <c>append-open-10k</c>.</param>
/// <param name="Family">The workload without its rate: <c>append-closed</c>, <c>append-open</c>, <c>read</c>, <c>subscribe</c>.</param>
/// <param name="Rate">Events per second of an open-loop or subscribe workload; null for the others.</param>
internal readonly record struct PeerRunName(string System, string Workload, string Family, double? Rate, int Round)
{
    public const string AppendClosed = "append-closed";
    public const string AppendOpen = "append-open";
    public const string Read = "read";
    public const string Subscribe = "subscribe";

    public static bool TryParse(string name, out PeerRunName parsed)
    {
        ArgumentNullException.ThrowIfNull(name);
        parsed = default;
        string rest = name;
        int round = 1;
        int r = rest.LastIndexOf("-r", StringComparison.Ordinal);
        if (r > 0 && r + 2 < rest.Length && int.TryParse(rest.AsSpan(r + 2), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0)
        {
            round = n;
            rest = rest[..r];
        }

        if (TrySuffix(rest, "-" + AppendClosed, out string system))
        {
            parsed = new PeerRunName(system, AppendClosed, AppendClosed, null, round);
            return true;
        }

        if (TrySuffix(rest, "-" + Read, out system))
        {
            parsed = new PeerRunName(system, Read, Read, null, round);
            return true;
        }

        foreach (string family in (ReadOnlySpan<string>)[AppendOpen, Subscribe])
        {
            int at = rest.LastIndexOf("-" + family + "-", StringComparison.Ordinal);
            if (at > 0 && TryParseRate(rest[(at + family.Length + 2)..], out double rate))
            {
                string rateName = rest[(at + family.Length + 2)..];
                parsed = new PeerRunName(rest[..at], family + "-" + rateName, family, rate, round);
                return true;
            }
        }

        return false;
    }

    /// <summary>"10k" -> 10000, "1.5M" -> 1500000, "500" -> 500 (the peers driver's and run-perf.sh's rate names).</summary>
    public static bool TryParseRate(string text, out double rate)
    {
        ArgumentNullException.ThrowIfNull(text);
        double unit = text.EndsWith('k') ? 1e3 : text.EndsWith('M') ? 1e6 : 1;
        string number = unit == 1 ? text : text[..^1];
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && value > 0)
        {
            rate = value * unit;
            return true;
        }

        rate = 0;
        return false;
    }

    private static bool TrySuffix(string text, string suffix, out string system)
    {
        system = text.EndsWith(suffix, StringComparison.Ordinal) ? text[..^suffix.Length] : string.Empty;
        return system.Length > 0;
    }
}
