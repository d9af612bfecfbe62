using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Pipeline.Streams.Samples;

// Stateless: the running sum of every number received, printed after each line that had numbers in it.
internal sealed class RunningSumSample : INumberSample
{
    private readonly NumberSource _source;
    private readonly TextWriter _output;
    private readonly LatestValueSink _sum = new();
    private readonly IFlow<double> _flow;

    public RunningSumSample(NumberSource source, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        _source = source;
        _output = output;
        _flow = Flow.Of<double>().Sum(static x => x).Build(_sum);
    }

    // A running sum has no window to close.
    public bool IsWaitingForTime => false;

    public void OnLine(string line)
    {
        IReadOnlyList<double> numbers = _source.Read(line, out long arrivalTime);
        for (int i = 0; i < numbers.Count; i++)
        {
            _flow.OnEvent(numbers[i], arrivalTime);
        }

        if (numbers.Count > 0)
        {
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sum={_sum.Value}"));
        }
    }

    public void OnIdle()
    {
    }

    private sealed class LatestValueSink : ISink<double>
    {
        public double Value { get; private set; }

        public void OnNext(in double value, long eventTime) => Value = value;
    }
}
