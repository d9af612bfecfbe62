using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Pipeline.Streams.Samples;

// Stateful: the average of the numbers per sliding window, one line per window as it closes. Windows close when
// an arrival time or an idle tick reaches their end, never by reading the clock inside the flow.
internal sealed class WindowAverageSample : INumberSample
{
    private readonly NumberSource _source;
    private readonly IFlow<double> _flow;
    private readonly long _size;
    private readonly long _slide;

    // The end of the last window holding a number, and the highest time given to the flow: while the first is
    // ahead of the second some window still waits to close.
    private long _lastWindowEnd = long.MinValue;
    private long _highestTime = long.MinValue;

    public WindowAverageSample(NumberSource source, TextWriter output, TimeSpan size, TimeSpan slide)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(slide, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slide, size);
        _source = source;
        _size = size.Ticks;
        _slide = slide.Ticks;
        _flow = Flow.Of<double>()
            .Window(Windows.Sliding(size, slide))
            .Aggregate(new CountAndSum())
            .Build(new PrintingSink(output));
    }

    public bool IsWaitingForTime => _lastWindowEnd > _highestTime;

    public void OnLine(string line)
    {
        IReadOnlyList<double> numbers = _source.Read(line, out long arrivalTime);
        for (int i = 0; i < numbers.Count; i++)
        {
            _flow.OnEvent(numbers[i], arrivalTime);
        }

        if (numbers.Count > 0)
        {
            // Windows are aligned to time 0: the latest one holding this time starts at the last multiple of the
            // slide (arrival times are positive, ticks since year 1, so the division rounds down).
            _lastWindowEnd = Math.Max(_lastWindowEnd, (arrivalTime / _slide * _slide) + _size);
        }

        _highestTime = Math.Max(_highestTime, arrivalTime);
    }

    public void OnIdle()
    {
        long now = _source.Now();
        _flow.OnTick(now);
        _highestTime = Math.Max(_highestTime, now);
    }

    private sealed class PrintingSink : ISink<WindowResult<GlobalKey, AverageState>>
    {
        private readonly TextWriter _output;

        public PrintingSink(TextWriter output)
        {
            _output = output;
        }

        public void OnNext(in WindowResult<GlobalKey, AverageState> value, long eventTime)
        {
            var start = new DateTime(value.Start, DateTimeKind.Utc);
            var end = new DateTime(value.End, DateTimeKind.Utc);
            double average = value.Value.Sum / value.Value.Count;
            _output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"[{start:HH:mm:ss.fff}, {end:HH:mm:ss.fff}) count={value.Value.Count} average={average}"));
        }
    }
}
