using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Pipeline.Testing;

/// <summary>A logger that keeps every entry (level, event id, formatted message) for the test to assert on.</summary>
/// <remarks>Not thread-safe: for code under test that logs from the test's own thread.</remarks>
public sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, int EventId, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Add((logLevel, eventId.Id, formatter(state, exception)));
    }
}
