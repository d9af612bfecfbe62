using System;
using System.IO;
using Microsoft.Extensions.Logging;

namespace Pipeline.Peers.Systems;

/// <summary>
/// An <see cref="ILogger"/> for a peer's client library that writes its warnings and errors to the run's log (the
/// <see cref="TextWriter"/> given to <see cref="IPeerSystem.StartAsync"/>, synchronized by the runner).
/// </summary>
internal sealed class RunLogLogger(TextWriter log, string name) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            log.WriteLine($"[{name}] {logLevel}: {formatter(state, exception)}" + (exception is null ? string.Empty : Environment.NewLine + exception));
        }
    }
}
