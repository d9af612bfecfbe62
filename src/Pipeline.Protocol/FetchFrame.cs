using System;
using System.Globalization;

namespace Pipeline.Protocol;

/// <summary>A parsed FETCH (protocol version 3): views into the receive buffer.</summary>
/// <remarks>
/// <see cref="ClientFrames.TryParseFetch"/> checks only the layout and the filter byte; <see cref="TryValidate"/>
/// checks the rules whose breach is READ_END BAD_REQUEST rather than a MALFORMED error.
/// </remarks>
public readonly ref struct FetchFrame
{
    /// <summary>Creates a frame from its fields (the parser's and the tests' constructor).</summary>
    public FetchFrame(ulong requestId, ulong from, uint maxCount, uint maxBytes, uint maxWaitMs, EventFilterKind filterKind, ulong producerId, ReadOnlySpan<byte> key)
    {
        RequestId = requestId;
        From = from;
        MaxCount = maxCount;
        MaxBytes = maxBytes;
        MaxWaitMs = maxWaitMs;
        FilterKind = filterKind;
        ProducerId = producerId;
        Key = key;
    }

    /// <summary>Echoed in every EVENTS and in the READ_END of the answer.</summary>
    public ulong RequestId { get; }

    /// <summary>The first position wanted (0 means 1).</summary>
    public ulong From { get; }

    /// <summary>The most events to answer with, 1 to <see cref="ConsumerLimits.MaxFetchCount"/>.</summary>
    public uint MaxCount { get; }

    /// <summary>The most bytes of event records in the answer, 1 to <see cref="ConsumerLimits.MaxFetchBytes"/>; the first event is sent even when larger.</summary>
    public uint MaxBytes { get; }

    /// <summary>How long to wait for a first matching event, 0 to <see cref="ConsumerLimits.MaxFetchWaitMs"/> ms.</summary>
    public uint MaxWaitMs { get; }

    /// <summary>Which events the fetch wants.</summary>
    public EventFilterKind FilterKind { get; }

    /// <summary>The producer of <see cref="EventFilterKind.Producer"/>; 0 for the other filters.</summary>
    public ulong ProducerId { get; }

    /// <summary>UTF-8 key of the filters that take one; empty for the others.</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>Checks the rules of a well-formed FETCH; false with the READ_END BAD_REQUEST message when one is broken.</summary>
    /// <remarks>Allocates only the message of a broken rule.</remarks>
    public bool TryValidate(out string? error)
    {
        error = null;
        if (MaxCount is 0 or > ConsumerLimits.MaxFetchCount)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"max_count {MaxCount} is outside 1..{ConsumerLimits.MaxFetchCount}");
            return false;
        }

        if (MaxBytes is 0 or > ConsumerLimits.MaxFetchBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"max_bytes {MaxBytes} is outside 1..{ConsumerLimits.MaxFetchBytes}");
            return false;
        }

        if (MaxWaitMs > ConsumerLimits.MaxFetchWaitMs)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"max_wait_ms {MaxWaitMs} is outside 0..{ConsumerLimits.MaxFetchWaitMs}");
            return false;
        }

        return EventFilter.TryValidate(FilterKind, ProducerId, Key, out error);
    }

    /// <summary>The fetch's filter, owning a copy of the key; call it on a frame that passed <see cref="TryValidate"/>.</summary>
    /// <exception cref="ArgumentException">The filter fields break a rule.</exception>
    public EventFilter CreateFilter() => new(FilterKind, ProducerId, Key);
}
