using System;
using System.Collections.Generic;

namespace Pipeline.LoadGen;

/// <summary>
/// Picks the warnings and errors out of the server's console log: the console logger writes
/// <c>warn: Category[EventId]</c> (or <c>fail:</c>, <c>crit:</c>) and the message on the next, indented, line.
/// Counts them all and keeps the first few whole.
/// </summary>
/// <remarks>Not thread-safe: the owner feeds it lines under its own lock.</remarks>
internal sealed class ServerWarnings
{
    private readonly int _keep;
    private readonly List<string> _first = [];
    private string? _head;

    /// <param name="keep">How many warnings to keep whole (the rest are only counted).</param>
    public ServerWarnings(int keep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        _keep = keep;
    }

    /// <summary>Warnings and errors seen.</summary>
    public int Count { get; private set; }

    /// <summary>The first ones, each as its header and message on one line.</summary>
    public IReadOnlyList<string> First => _first;

    /// <summary>Takes the next line of the log.</summary>
    public void Take(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (_head is not null)
        {
            if (_first.Count < _keep)
            {
                _first.Add(_head + " " + line.Trim());
            }

            _head = null;
            return;
        }

        if (line.StartsWith("warn: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal))
        {
            Count++;
            _head = line;
        }
    }
}
