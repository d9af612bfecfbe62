using System;
using System.Globalization;

namespace Pipeline.Protocol;

/// <summary>A parsed READ (protocol version 2): views into the receive buffer.</summary>
/// <remarks>
/// <see cref="ClientFrames.TryParseRead"/> checks only the layout and the selector byte; <see cref="TryValidate"/>
/// checks the rules whose breach is a BAD_REQUEST status rather than a MALFORMED error.
/// </remarks>
public readonly ref struct ReadFrame
{
    /// <summary>Creates a frame from its fields (the parser's and the tests' constructor).</summary>
    public ReadFrame(ulong requestId, ReadSelector selector, ulong from, uint maxCount, ulong minSequence, ulong producerId, ReadOnlySpan<byte> key)
    {
        RequestId = requestId;
        Selector = selector;
        From = from;
        MaxCount = maxCount;
        MinSequence = minSequence;
        ProducerId = producerId;
        Key = key;
    }

    /// <summary>Echoed in every EVENTS and in the READ_END of the answer.</summary>
    public ulong RequestId { get; }

    /// <summary>Which events.</summary>
    public ReadSelector Selector { get; }

    /// <summary>A position, a stream version, or (<see cref="ReadSelector.Time"/>) UTC ticks as an i64: see <see cref="ReadSelector"/>.</summary>
    public ulong From { get; }

    /// <summary>The most events to answer with, 1 to <see cref="ReadLimits.MaxCount"/>.</summary>
    public uint MaxCount { get; }

    /// <summary>Answer only once the visible head is at least this position (0: at once).</summary>
    public ulong MinSequence { get; }

    /// <summary>The producer of <see cref="ReadSelector.Producer"/>; 0 for the other selectors.</summary>
    public ulong ProducerId { get; }

    /// <summary>UTF-8 stream id (<see cref="ReadSelector.Stream"/>) or type (<see cref="ReadSelector.Type"/>); empty for the others.</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>Checks the rules of a well-formed READ; false with the BAD_REQUEST message when one is broken.</summary>
    /// <remarks>Allocates only the message of a broken rule.</remarks>
    public bool TryValidate(out string? error)
    {
        error = null;
        if (MaxCount is 0 or > ReadLimits.MaxCount)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"max_count {MaxCount} is outside 1..{ReadLimits.MaxCount}");
            return false;
        }

        bool keyed = Selector is ReadSelector.Stream or ReadSelector.Type;
        if (keyed && (Key.IsEmpty || Key.Length > ReadLimits.MaxKeyBytes))
        {
            string what = Selector == ReadSelector.Stream ? "stream id" : "type";
            error = string.Create(CultureInfo.InvariantCulture, $"the {what} is {Key.Length} bytes; it must be 1..{ReadLimits.MaxKeyBytes}");
            return false;
        }

        if (!keyed && !Key.IsEmpty)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"selector {Selector} takes no key; the key must be empty");
            return false;
        }

        if (Selector != ReadSelector.Producer && ProducerId != 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"selector {Selector} takes no producer id; it must be 0");
            return false;
        }

        if (Selector == ReadSelector.Time && (long)From < 0)
        {
            error = "a timestamp must not be negative";
            return false;
        }

        return true;
    }
}
