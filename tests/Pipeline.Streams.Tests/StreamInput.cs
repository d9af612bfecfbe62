namespace Pipeline.Streams.Tests;

/// <summary>One input step: an event (key, value at time) or, when <paramref name="IsTick"/>, a tick at time.</summary>
internal readonly record struct StreamInput(long Time, long Key, long Value, bool IsTick)
{
    public static StreamInput Event(long time, long key, long value) => new(time, key, value, false);

    public static StreamInput Tick(long time) => new(time, 0, 0, true);
}
