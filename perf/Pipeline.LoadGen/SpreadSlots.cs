using System;

namespace Pipeline.LoadGen;

/// <summary>
/// The spread pacing's write times: connection <c>i</c> of <c>N</c> may be written at
/// <c>start + i × period / N + j × period</c> (j = 0, 1, ...), a fixed phase per connection, evenly spaced over the
/// period. Pure arithmetic on timestamps, like <see cref="OpenLoopSchedule"/>.
/// </summary>
/// <remarks>
/// Only when a connection is written depends on its phase: each command's intended time is still the schedule's, so
/// a command waits from its intended time to its connection's next slot (less than a period), as it waits for the
/// next round with the shared pacing, and that wait counts in its latency. Immutable; any thread may use it.
/// </remarks>
internal sealed class SpreadSlots
{
    /// <summary>The period in which every connection is written once, as the shared pacer's round (about 1 ms).</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromMilliseconds(1);

    private readonly long[] _offsets;

    /// <param name="startTimestamp">The schedule's start: every connection's first slot is at or after it.</param>
    /// <param name="periodTicks">The period, in timestamp ticks.</param>
    /// <param name="connections">Connections; connection i's offset is i × period / N (rounded down to a tick).</param>
    public SpreadSlots(long startTimestamp, long periodTicks, int connections)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(periodTicks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        Start = startTimestamp;
        Period = periodTicks;
        _offsets = new long[connections];
        for (int c = 0; c < connections; c++)
        {
            _offsets[c] = (long)((double)c * periodTicks / connections);
        }
    }

    /// <summary>Slots of <see cref="DefaultPeriod"/> for a schedule.</summary>
    public static SpreadSlots For(OpenLoopSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        long period = Math.Max(1, (long)(DefaultPeriod.TotalSeconds * schedule.Frequency));
        return new SpreadSlots(schedule.Start, period, schedule.Connections);
    }

    public long Start { get; }

    public long Period { get; }

    public int Connections => _offsets.Length;

    /// <summary>The phase of <paramref name="connection"/> within the period, in ticks.</summary>
    public long Offset(int connection) => _offsets[connection];

    /// <summary>The first slot of <paramref name="connection"/> at or after <paramref name="time"/>.</summary>
    public long FirstAtOrAfter(int connection, long time)
    {
        long first = Start + _offsets[connection];
        if (time <= first)
        {
            return first;
        }

        long periods = (time - first + Period - 1) / Period;
        return first + (periods * Period);
    }
}
