using System;

namespace Pipeline.Streams;

/// <summary>Factories of window shapes; the <see cref="TimeSpan"/> overloads mean event times are .NET ticks (100 ns).</summary>
public static class Windows
{
    /// <summary>Back-to-back windows of <paramref name="size"/> time units.</summary>
    public static WindowSpec Tumbling(long size) => new(size, size);

    /// <summary>Tumbling windows over event times in .NET ticks.</summary>
    public static WindowSpec Tumbling(TimeSpan size) => new(size.Ticks, size.Ticks);

    /// <summary>Windows of <paramref name="size"/> starting every <paramref name="slide"/> (hopping); slide must not exceed size.</summary>
    public static WindowSpec Sliding(long size, long slide) => new(size, slide);

    /// <summary>Sliding windows over event times in .NET ticks.</summary>
    public static WindowSpec Sliding(TimeSpan size, TimeSpan slide) => new(size.Ticks, slide.Ticks);

    /// <summary>Session windows: a key's events less than <paramref name="gap"/> apart form one window
    /// [first event, last event + gap); the accumulator's Merge must be commutative.</summary>
    public static WindowSpec Session(long gap) => WindowSpec.Session(gap);

    /// <summary>Session windows over event times in .NET ticks.</summary>
    public static WindowSpec Session(TimeSpan gap) => WindowSpec.Session(gap.Ticks);
}
