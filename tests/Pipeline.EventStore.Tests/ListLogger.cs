using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Pipeline.EventStore.Tests;

/// <summary>Collects (event id, level, message) of every log call.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(int EventId, LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
}
