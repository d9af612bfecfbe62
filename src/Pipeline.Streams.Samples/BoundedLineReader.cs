using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Pipeline.Streams.Samples;

/// <summary>
/// Reads lines (ended by \n, a \r before it dropped) of at most <see cref="MaxLineLength"/> characters: a client that
/// never sends a newline must not make the sample buffer without bound.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, int maxLineLength)
{
    private readonly char[] _buffer = new char[4096];
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;

    public int MaxLineLength { get; } = maxLineLength > 0 ? maxLineLength : throw new ArgumentOutOfRangeException(nameof(maxLineLength));

    /// <summary>The next line; null at the end of the input (a last line without a newline is returned first).</summary>
    /// <exception cref="InvalidDataException">The line is longer than <see cref="MaxLineLength"/>.</exception>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            int take = (newline < 0 ? _end : newline) - _start;
            if (_line.Length + take > MaxLineLength)
            {
                throw new InvalidDataException($"a line longer than {MaxLineLength} characters");
            }

            _line.Append(_buffer, _start, take);
            if (newline >= 0)
            {
                _start = newline + 1;
                return TakeLine();
            }

            _start = _end = 0;
            int read = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return _line.Length > 0 ? TakeLine() : null;
            }

            _end = read;
        }
    }

    private string TakeLine()
    {
        if (_line.Length > 0 && _line[^1] == '\r')
        {
            _line.Length--;
        }

        string line = _line.ToString();
        _line.Clear();
        return line;
    }
}
