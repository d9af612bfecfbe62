using System;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

/// <summary>Reads the machine's CPU times when a run's measured part starts and when it ends, on the run's clock.</summary>
internal static class MachineCpuWindow
{
    /// <summary>
    /// Reads at <paramref name="fromTimestamp"/> and at <paramref name="toTimestamp"/> (<see cref="long.MaxValue"/>:
    /// no set end), or at cancellation if that comes first, and gives the shares between the two readings.
    /// </summary>
    /// <returns>Null when cancelled before the start, when a reading is unavailable, or when no tick passed.</returns>
    /// <remarks>The readings are taken on a pool thread, at most a timer tick (about 1 ms) after the timestamps.</remarks>
    public static async Task<MachineCpuReport?> MeasureAsync(TimeProvider time, long fromTimestamp, long toTimestamp, Func<CpuTimes?> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(read);
        if (!await DelayUntilAsync(time, fromTimestamp, cancellationToken).ConfigureAwait(false))
        {
            return null; // the run ended before its measured part began
        }

        if (read() is not { } first)
        {
            return null;
        }

        // Cancelled early (the server exited, or a counted run finished): the measured part ends now, and so does this.
        await DelayUntilAsync(time, toTimestamp, cancellationToken).ConfigureAwait(false);
        return read() is { } last ? CpuTimes.Between(first, last) : null;
    }

    // True when the timestamp was reached, false when cancelled first.
    internal static async Task<bool> DelayUntilAsync(TimeProvider time, long timestamp, CancellationToken cancellationToken)
    {
        TimeSpan wait = timestamp == long.MaxValue ? Timeout.InfiniteTimeSpan : time.GetElapsedTime(time.GetTimestamp(), timestamp);
        if (wait != Timeout.InfiniteTimeSpan && wait <= TimeSpan.Zero)
        {
            return !cancellationToken.IsCancellationRequested;
        }

        try
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
