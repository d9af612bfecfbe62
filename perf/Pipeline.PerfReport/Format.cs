using System;
using System.Globalization;

namespace Pipeline.PerfReport;

/// <summary>Number formats shared by the summary and the comparison (invariant culture throughout).</summary>
internal static class Format
{
    /// <summary>Microseconds with three significant figures up to 1000 (0.812, 12.3, 456), whole numbers above.</summary>
    public static string Micros(double us) => us switch
    {
        double.NaN => "-",
        < 1 => us.ToString("F3", CultureInfo.InvariantCulture),
        < 10 => us.ToString("F2", CultureInfo.InvariantCulture),
        < 100 => us.ToString("F1", CultureInfo.InvariantCulture),
        _ => us.ToString("N0", CultureInfo.InvariantCulture),
    };

    public static string Count(double value) => double.IsNaN(value) ? "-" : value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Rate(double? perSecond) => perSecond switch
    {
        null => "-",
        >= 1e6 => Invariant($"{perSecond / 1e6:0.##}M"),
        >= 1e3 => Invariant($"{perSecond / 1e3:0.##}k"),
        _ => Invariant($"{perSecond:0}"),
    };

    public static string Fixed(double value, int decimals) =>
        double.IsNaN(value) ? "-" : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Ratio(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio) ? "n/a" : Invariant($"{ratio:F2}x");

    public static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
