using System;
using System.Collections.Generic;
using System.Text;

namespace Pipeline.PerfReport;

/// <summary>A table rendered either as Markdown (summary.md) or as aligned plain text (the terminal).</summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly bool[] _rightAligned;
    private readonly List<string[]> _rows = [];

    /// <param name="headers">Column titles; a title starting with '&gt;' is right-aligned (the '&gt;' is dropped).</param>
    public TextTable(params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = new string[headers.Length];
        _rightAligned = new bool[headers.Length];
        for (int i = 0; i < headers.Length; i++)
        {
            _rightAligned[i] = headers[i].StartsWith('>');
            _headers[i] = _rightAligned[i] ? headers[i][1..] : headers[i];
        }
    }

    public int RowCount => _rows.Count;

    public void Add(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"a row needs {_headers.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").Append(string.Join(" | ", _headers)).Append(" |\n|");
        for (int i = 0; i < _headers.Length; i++)
        {
            text.Append(_rightAligned[i] ? " --: |" : " --- |");
        }

        text.Append('\n');
        foreach (string[] row in _rows)
        {
            text.Append("| ").Append(string.Join(" | ", Array.ConvertAll(row, c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        }

        return text.ToString();
    }

    public string ToText()
    {
        var widths = new int[_headers.Length];
        for (int i = 0; i < _headers.Length; i++)
        {
            widths[i] = _headers[i].Length;
            foreach (string[] row in _rows)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        AppendLine(text, _headers, widths);
        foreach (string[] row in _rows)
        {
            AppendLine(text, row, widths);
        }

        return text.ToString();
    }

    private void AppendLine(StringBuilder text, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append("  ");
            }

            line.Append(_rightAligned[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
        }

        text.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
