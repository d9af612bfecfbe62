namespace Pipeline.Streams.Operators;

internal static class WindowMath
{
    /// <summary>Floor division for a positive divisor: event times before 0 still fall into the pane below them.</summary>
    public static long FloorDiv(long value, long divisor)
    {
        long quotient = value / divisor;
        return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
    }

    /// <summary>The smallest window end strictly after <paramref name="time"/>; ends are k * slide + size.</summary>
    public static long FirstEndAfter(long time, long size, long slide) => ((FloorDiv(time - size, slide) + 1) * slide) + size;

    public static int Row(long pane, int rowCount)
    {
        long row = pane % rowCount;
        return (int)(row < 0 ? row + rowCount : row);
    }
}
