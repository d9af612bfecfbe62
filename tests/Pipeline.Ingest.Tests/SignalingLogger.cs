using System;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pipeline.Testing;

namespace Pipeline.Ingest.Tests;

/// <summary>A logger that counts events by id, so a test can wait for one (e.g. a connection closing) instead of polling.</summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class SignalingLogger : ILogger
{
    /// <summary>Ingest's "Connection {ConnectionId} closed".</summary>
    public const int ConnectionClosed = 2003;

    private readonly ConcurrentDictionary<int, CountSignal> _events = new();

    public CountSignal Event(int eventId) => _events.GetOrAdd(eventId, _ => new CountSignal());

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Event(eventId.Id).Add();
}
