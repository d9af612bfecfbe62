using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.LoadGen;

/// <summary>Prints the phase, the elapsed time and the ACK rate of the last second, about once a second.</summary>
/// <remarks>Runs on a pool thread; reads counters that other threads write (a value a moment old is fine here).</remarks>
internal sealed class ProgressReporter
{
    private readonly TextWriter _output;
    private readonly long _start;
    private readonly Func<string> _phase;
    private readonly Func<(long Completed, long Errors)> _counters;

    /// <param name="output">Where the lines go.</param>
    /// <param name="startTimestamp">The run's start (Stopwatch timestamp): the elapsed time counts from it.</param>
    /// <param name="phase">The current phase's name.</param>
    /// <param name="counters">Commands answered so far and errors so far.</param>
    public ProgressReporter(TextWriter output, long startTimestamp, Func<string> phase, Func<(long Completed, long Errors)> counters)
    {
        _output = output;
        _start = startTimestamp;
        _phase = phase;
        _counters = counters;
    }

    /// <summary>Reports until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        long last = System.Diagnostics.Stopwatch.GetTimestamp();
        long lastCompleted = _counters().Completed;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long now = System.Diagnostics.Stopwatch.GetTimestamp();
                (long completed, long errors) = _counters();
                double seconds = (now - last) / (double)System.Diagnostics.Stopwatch.Frequency;
                double rate = seconds > 0 ? (completed - lastCompleted) / seconds : 0;
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  [{System.Diagnostics.Stopwatch.GetElapsedTime(_start).TotalSeconds,6:F1} s] {_phase(),-8} acks/s {rate,12:N0}   answered {completed,12:N0}   errors {errors:N0}"));
                last = now;
                lastCompleted = completed;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
    }
}
