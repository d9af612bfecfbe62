using System;

namespace Pipeline.Streams;

/// <summary>The shape of a tumbling or sliding window in event-time units; build it with <see cref="Windows"/>.</summary>
/// <remarks>Windows are aligned to time 0: they start at every whole multiple of <see cref="Slide"/>.</remarks>
public readonly record struct WindowSpec
{
    internal WindowSpec(long size, long slide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slide, size, nameof(slide));
        Size = size;
        Slide = slide;
        Pane = Gcd(size, slide);
    }

    /// <summary>The length of a window in event-time units.</summary>
    public long Size { get; }

    /// <summary>True for session windows, whose <see cref="Size"/> is the gap.</summary>
    public bool IsSession { get; private init; }

    /// <summary>The distance between the starts of two consecutive windows.</summary>
    public long Slide { get; }

    /// <summary>The length of a pane: gcd(size, slide); one accumulator per pane and key is kept.</summary>
    public long Pane { get; }

    internal static WindowSpec Session(long gap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gap);
        return new WindowSpec(gap, gap) with { IsSession = true };
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
