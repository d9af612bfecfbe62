using System;
using System.Globalization;

namespace Pipeline.Core.Tests;

/// <summary>
/// Scales the stress tests: the default sizes finish in seconds on two cores; <c>PIPELINE_STRESS_SCALE=20</c> turns
/// them into a longer soak.
/// </summary>
internal static class StressScale
{
    public const string VariableName = "PIPELINE_STRESS_SCALE";

    public static readonly double Factor = ReadFactor();

    /// <summary><paramref name="baseCount"/> times the factor, at least 1.</summary>
    public static int Of(int baseCount) => (int)Math.Max(1, Math.Min(int.MaxValue, baseCount * Factor));

    private static double ReadFactor()
    {
        string? value = Environment.GetEnvironmentVariable(VariableName);
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double factor) && factor > 0
            ? factor
            : 1.0;
    }
}
