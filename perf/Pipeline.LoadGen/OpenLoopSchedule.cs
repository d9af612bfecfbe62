using System;

namespace Pipeline.LoadGen;

/// <summary>
/// The open loop's plan: command k (0, 1, 2, ...) is intended to be sent at <c>start + k / rate</c>, on connection
/// <c>k mod connections</c>. Pure arithmetic on timestamps of a given frequency (Stopwatch ticks in a run, any clock in
/// a test), so the same k always gets the same time and connection.
/// </summary>
/// <remarks>Immutable; any thread may use it.</remarks>
internal sealed class OpenLoopSchedule
{
    private readonly double _ticksPerCommand;

    public OpenLoopSchedule(double ratePerSecond, long startTimestamp, long timestampFrequency, int connections)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        if (!double.IsFinite(ratePerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "the rate must be finite");
        }

        Rate = ratePerSecond;
        Start = startTimestamp;
        Frequency = timestampFrequency;
        Connections = connections;
        _ticksPerCommand = timestampFrequency / ratePerSecond;
    }

    public double Rate { get; }

    public long Start { get; }

    public long Frequency { get; }

    public int Connections { get; }

    /// <summary>When command <paramref name="k"/> should be sent (rounded down to a whole tick).</summary>
    /// <remarks>k × frequency / rate rather than k × (frequency / rate): exact whenever the rate divides evenly.</remarks>
    public long IntendedTime(long k) => Start + (long)(k * (double)Frequency / Rate);

    /// <summary>How many commands are due at <paramref name="now"/>: those with an intended time at or before it.</summary>
    /// <remarks>Commands <c>[sent, DueCount(now))</c> are the ones to send now; monotonic in <paramref name="now"/>.</remarks>
    public long DueCount(long now)
    {
        if (now < Start)
        {
            return 0;
        }

        // A first guess from the division, then corrected so that it agrees exactly with IntendedTime's rounding.
        long count = (long)((now - Start) / _ticksPerCommand) + 1;
        while (count > 0 && IntendedTime(count - 1) > now)
        {
            count--;
        }

        while (IntendedTime(count) <= now)
        {
            count++;
        }

        return count;
    }

    /// <summary>How many commands are intended strictly before <paramref name="end"/>.</summary>
    public long CountBefore(long end) => end <= Start ? 0 : DueCount(end - 1);

    /// <summary>The connection command <paramref name="k"/> goes to (round robin).</summary>
    public int ConnectionOf(long k) => (int)(k % Connections);

    /// <summary>The global index k of the <paramref name="nth"/> command (0-based) of <paramref name="connection"/>.</summary>
    public long CommandOf(int connection, long nth) => connection + (nth * Connections);

    /// <summary>How many of the first <paramref name="count"/> commands (0 to count - 1) go to <paramref name="connection"/>.</summary>
    public long CountOf(int connection, long count) => count <= connection ? 0 : ((count - connection - 1) / Connections) + 1;
}
