using System;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>One FETCH: a filtered long-poll read by position (protocol version 3).</summary>
public sealed class FetchRequest
{
    /// <summary>The first position wanted (0 means 1); continue with the previous result's <see cref="FetchResult.Next"/>.</summary>
    public ulong From { get; init; }

    /// <summary>The most events in the answer: 1 to 10,000 (default 1000).</summary>
    public int MaxCount { get; init; } = 1000;

    /// <summary>The most bytes of event records in the answer: 1 to 16 MiB (default 1 MiB); the first event comes even when larger.</summary>
    public int MaxBytes { get; init; } = 1024 * 1024;

    /// <summary>How long the server waits for a matching event when none is visible: 0 (the default) to 60 s, whole milliseconds (rounded up).</summary>
    public TimeSpan MaxWait { get; init; }

    /// <summary>Which events (default: every event).</summary>
    public EventFilter Filter { get; init; }

    /// <summary>MaxWait in whole milliseconds, after checking every rule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A property is outside its range.</exception>
    internal uint Validate()
    {
        if (MaxCount is < 1 or > ConsumerLimits.MaxFetchCount)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCount), MaxCount, $"MaxCount must be from 1 to {ConsumerLimits.MaxFetchCount}.");
        }

        if (MaxBytes is < 1 or > ConsumerLimits.MaxFetchBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, $"MaxBytes must be from 1 to {ConsumerLimits.MaxFetchBytes}.");
        }

        if (MaxWait < TimeSpan.Zero || MaxWait > TimeSpan.FromMilliseconds(ConsumerLimits.MaxFetchWaitMs))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWait), MaxWait, $"MaxWait must be from 0 to {ConsumerLimits.MaxFetchWaitMs} ms.");
        }

        return (uint)Math.Ceiling(MaxWait.TotalMilliseconds);
    }
}
