using System;
using System.Collections.Generic;
using System.Globalization;

namespace Pipeline.Streams.Samples;

// Splits a line typed into the socket into numbers. Tokens that are not finite numbers are returned to the
// caller, which reports them: the sample never drops input without saying so.
internal static class NumberLineParser
{
    private static readonly char[] s_separators = [' ', '\t', ',', '\r', '\v', '\f'];

    public static void Parse(string line, List<double> numbers, List<string> badTokens)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(numbers);
        ArgumentNullException.ThrowIfNull(badTokens);
        foreach (string token in line.Split(s_separators, StringSplitOptions.RemoveEmptyEntries))
        {
            // double.Parse maps 1e400 to infinity and accepts "NaN": neither can be summed or averaged meaningfully,
            // so both are refused like any other bad token.
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                && double.IsFinite(value))
            {
                numbers.Add(value);
            }
            else
            {
                badTokens.Add(token);
            }
        }
    }
}
