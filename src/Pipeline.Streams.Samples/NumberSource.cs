using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Pipeline.Streams.Samples;

// The journaling producer's role in the samples: the only place that reads the clock. A line is stamped once, on
// arrival, and every number in it carries that time; the flows downstream only ever see these stamps, so the same
// stamped input always prints the same output.
internal sealed class NumberSource
{
    private readonly TimeProvider _clock;
    private readonly TextWriter _error;
    private readonly List<double> _numbers = new();
    private readonly List<string> _badTokens = new();

    public NumberSource(TimeProvider clock, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(error);
        _clock = clock;
        _error = error;
    }

    // .NET ticks (100 ns) since 0001-01-01 UTC: the unit the TimeSpan window factories use.
    public long Now() => _clock.GetUtcNow().UtcTicks;

    // Parses the line, reports its bad tokens, and returns its numbers (valid until the next call) with the arrival time.
    public IReadOnlyList<double> Read(string line, out long arrivalTime)
    {
        arrivalTime = Now();
        _numbers.Clear();
        _badTokens.Clear();
        NumberLineParser.Parse(line, _numbers, _badTokens);
        if (_badTokens.Count > 0)
        {
            var message = new StringBuilder("skipped ");
            message.Append(_badTokens.Count == 1 ? "token" : "tokens");
            foreach (string token in _badTokens)
            {
                message.Append(" '").Append(token).Append('\'');
            }

            message.Append(" (not a finite number) in line: ").Append(line);
            _error.WriteLine(message.ToString());
        }

        return _numbers;
    }
}
