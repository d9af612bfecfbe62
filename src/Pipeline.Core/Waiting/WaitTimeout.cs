using System;
using System.Diagnostics;

namespace Pipeline.Core.Waiting;

// A deadline read only on the slow path of a wait, so that an infinite timeout costs nothing.
internal readonly struct WaitTimeout
{
    private readonly long _timeoutTicks;

    public WaitTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, nameof(timeout));
            _timeoutTicks = (long)(t.TotalSeconds * Stopwatch.Frequency);
        }
        else
        {
            _timeoutTicks = -1;
        }
    }

    public bool IsInfinite => _timeoutTicks < 0;

    public TimeSpan? Value => IsInfinite ? null : TimeSpan.FromSeconds((double)_timeoutTicks / Stopwatch.Frequency);

    public long StartTimestamp() => IsInfinite ? 0 : Stopwatch.GetTimestamp();

    public bool HasElapsed(long startTimestamp) =>
        !IsInfinite && Stopwatch.GetTimestamp() - startTimestamp >= _timeoutTicks;

    public int RemainingMilliseconds(long startTimestamp)
    {
        if (IsInfinite)
        {
            return -1;
        }

        long remaining = _timeoutTicks - (Stopwatch.GetTimestamp() - startTimestamp);
        return remaining <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency));
    }
}
