using System;

namespace Pipeline.Core.Tests;

/// <summary>A reference entry: pre-allocated by the ring's factory, rewritten by the producer for every sequence.</summary>
internal sealed class TestEvent
{
    public const long Unset = long.MinValue;

    /// <summary>The payload: the tests publish the sequence itself, or a tagged value.</summary>
    public long Value { get; set; }

    /// <summary>Written by the consuming handler when it is done with the entry (the sequence it consumed).</summary>
    public long Consumed { get; set; } = Unset;

    /// <summary>Which split handler took the entry (-1: none yet).</summary>
    public int Owner { get; set; } = -1;

    private long MarkA { get; set; } = Unset;

    private long MarkB { get; set; } = Unset;

    private long MarkC { get; set; } = Unset;

    private long MarkD { get; set; } = Unset;

    /// <summary>The sequence that the stage owning <paramref name="mark"/> wrote, or <see cref="Unset"/>.</summary>
    public long GetMark(StageMark mark) => mark switch
    {
        StageMark.A => MarkA,
        StageMark.B => MarkB,
        StageMark.C => MarkC,
        StageMark.D => MarkD,
        _ => throw new ArgumentOutOfRangeException(nameof(mark)),
    };

    public void SetMark(StageMark mark, long sequence)
    {
        switch (mark)
        {
            case StageMark.A:
                MarkA = sequence;
                break;
            case StageMark.B:
                MarkB = sequence;
                break;
            case StageMark.C:
                MarkC = sequence;
                break;
            case StageMark.D:
                MarkD = sequence;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mark));
        }
    }

    /// <summary>Writes the payload and clears what the previous round left, as a producer does before publishing.</summary>
    public void Reset(long value)
    {
        Value = value;
        Owner = -1;
        MarkA = Unset;
        MarkB = Unset;
        MarkC = Unset;
        MarkD = Unset;
    }
}
