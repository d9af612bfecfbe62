using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.LoadGen;

/// <summary>
/// The server's recovery summary (event 3003): "Recovered: state at sequence S (SNAPSHOT); replayed N journal
/// events in T ms; A accounts".
/// </summary>
internal sealed partial record RecoveredLine(long Sequence, string Snapshot, long Replayed, double ReplayMilliseconds)
{
    public static bool TryParse(string line, [NotNullWhen(true)] out RecoveredLine? recovered)
    {
        recovered = null;
        Match m = Pattern().Match(line);
        if (!m.Success)
        {
            return false;
        }

        recovered = new RecoveredLine(
            long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            m.Groups[2].Value,
            long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture));
        return true;
    }

    [GeneratedRegex(@"Recovered: state at sequence (-?\d+) \((.*)\); replayed (\d+) journal events in ([0-9.]+) ms")]
    private static partial Regex Pattern();
}
