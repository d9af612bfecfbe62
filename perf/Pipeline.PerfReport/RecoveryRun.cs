namespace Pipeline.PerfReport;

/// <summary>One recovery timing run: LoadGen's per-run JSON (<c>kind: recovery</c>).</summary>
internal sealed class RecoveryRun
{
    public string Name { get; set; } = string.Empty;

    public string Kind { get; init; } = "recovery";

    public long Events { get; init; }

    public bool Snapshot { get; init; }

    public long JournalBytes { get; init; }

    /// <summary>From process start to the server accepting connections again, replay included.</summary>
    public double RestartSeconds { get; init; }

    public long ReplayedEvents { get; init; }

    public double ReplayEventsPerSecond { get; init; }

    public bool Failed { get; set; }

    public string? Failure { get; set; }
}
