using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Pipeline.LoadGen;

/// <summary>
/// Sleeps for less than a millisecond without spinning: <c>nanosleep(2)</c> on Linux and macOS (the thread is woken
/// within the timer slack, about 50 µs on Linux), <see cref="Thread.Sleep(int)"/> with whole milliseconds elsewhere.
/// </summary>
/// <remarks>
/// .NET's own waits (<see cref="Thread.Sleep(TimeSpan)"/>, timers, <c>Socket.Poll</c> on Unix) round to milliseconds,
/// and a sub-millisecond one becomes a yield: a busy loop. Any thread may call it; it blocks the caller.
/// </remarks>
internal static partial class PreciseSleep
{
    private static readonly bool s_nanosleep = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary>Sleeps until <paramref name="timestamp"/> of <paramref name="time"/>'s clock; returns at once if it has passed.</summary>
    public static void Until(TimeProvider time, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(time);
        long ticks = timestamp - time.GetTimestamp();
        if (ticks <= 0)
        {
            return;
        }

        long nanoseconds = (long)(ticks * (1_000_000_000.0 / time.TimestampFrequency));
        if (s_nanosleep)
        {
            var request = new Timespec { Seconds = (nint)(nanoseconds / 1_000_000_000), Nanoseconds = (nint)(nanoseconds % 1_000_000_000) };

            // An interruption by a signal (EINTR) returns early: the caller reads the clock again, so it is not retried.
            _ = NanoSleep(in request, IntPtr.Zero);
        }
        else
        {
            Thread.Sleep((int)Math.Clamp((nanoseconds + 999_999) / 1_000_000, 1, int.MaxValue));
        }
    }

    // struct timespec: time_t and long, both the platform's word on 64-bit Linux and macOS (and on 32-bit glibc Linux).
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in Timespec request, IntPtr remaining);
}
