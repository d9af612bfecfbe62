using System;
using System.Threading;

namespace Pipeline.Testing;

/// <summary>
/// A clock the test sets by hand: the wall clock (<see cref="GetUtcNow"/>) may go backwards; the monotonic
/// timestamp only moves through <see cref="AdvanceTimestamp"/> (frozen otherwise).
/// </summary>
/// <remarks>Any thread may read it; the fields are written with interlocked operations.</remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _utcTicks;
    private long _timestamp;

    /// <summary>Starts at <paramref name="start"/>.</summary>
    public ManualTimeProvider(DateTimeOffset start)
    {
        _utcTicks = start.UtcTicks;
    }

    /// <summary>Sets the wall clock, forwards or backwards.</summary>
    public void SetUtcNow(DateTimeOffset value) => Interlocked.Exchange(ref _utcTicks, value.UtcTicks);

    /// <summary>Moves the monotonic timestamp forward.</summary>
    public void AdvanceTimestamp(TimeSpan by) => Interlocked.Add(ref _timestamp, by.Ticks);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <inheritdoc />
    public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
