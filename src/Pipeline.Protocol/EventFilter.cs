using System;
using System.Globalization;
using System.Text;

namespace Pipeline.Protocol;

/// <summary>
/// The filter of a SUBSCRIBE or FETCH (docs/protocol.md, "Filters"): which events match, decided from the event's
/// stream id, type and producer alone.
/// </summary>
/// <remarks>
/// Immutable; any thread. Owns a copy of its key, so a subscription can keep it after the receive buffer is reused.
/// <see cref="Matches"/> neither allocates nor blocks. The default value is <see cref="EventFilterKind.None"/>.
/// </remarks>
public readonly struct EventFilter : IEquatable<EventFilter>
{
    private readonly byte[]? _key;

    /// <summary>Creates a filter from the fields of a frame; the key is copied.</summary>
    /// <exception cref="ArgumentException">The fields break a rule of <see cref="TryValidate"/> (the message says which).</exception>
    public EventFilter(EventFilterKind kind, ulong producerId, ReadOnlySpan<byte> key)
    {
        if (!TryValidate(kind, producerId, key, out string? error))
        {
            throw new ArgumentException(error, nameof(key));
        }

        Kind = kind;
        ProducerId = producerId;
        _key = key.IsEmpty ? null : key.ToArray();
    }

    /// <summary>Every event.</summary>
    public static EventFilter None => default;

    /// <summary>The events of one stream.</summary>
    /// <exception cref="ArgumentException">The stream id is empty or longer than 255 UTF-8 bytes.</exception>
    public static EventFilter Stream(string streamId) => Keyed(EventFilterKind.Stream, streamId, nameof(streamId));

    /// <summary>The events of every stream whose id starts with <paramref name="prefix"/> (case-sensitive).</summary>
    /// <exception cref="ArgumentException">The prefix is empty or longer than 255 UTF-8 bytes.</exception>
    public static EventFilter StreamPrefix(string prefix) => Keyed(EventFilterKind.StreamPrefix, prefix, nameof(prefix));

    /// <summary>The events whose type starts with <paramref name="prefix"/> (<c>ledger.</c>: every ledger event; a whole type name: that type).</summary>
    /// <exception cref="ArgumentException">The prefix is empty or longer than 255 UTF-8 bytes.</exception>
    public static EventFilter TypePrefix(string prefix) => Keyed(EventFilterKind.TypePrefix, prefix, nameof(prefix));

    /// <summary>The events of one producer (0: anonymous producers).</summary>
    public static EventFilter Producer(ulong producerId) => new(EventFilterKind.Producer, producerId, default);

    /// <summary>Which events match.</summary>
    public EventFilterKind Kind { get; }

    /// <summary>The producer of <see cref="EventFilterKind.Producer"/>; 0 for the others.</summary>
    public ulong ProducerId { get; }

    /// <summary>The stream id or prefix, or the type prefix (UTF-8); empty for <see cref="EventFilterKind.None"/> and <see cref="EventFilterKind.Producer"/>.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>
    /// Checks the filter fields of a well-formed SUBSCRIBE or FETCH; false with the BAD_REQUEST message when a key or
    /// producer id is where the filter takes none, or a key is missing or longer than 255 bytes.
    /// </summary>
    /// <remarks>A kind above 4 is not checked here: the parsers refuse it as a malformed body. Allocates only the message of a broken rule.</remarks>
    public static bool TryValidate(EventFilterKind kind, ulong producerId, ReadOnlySpan<byte> key, out string? error)
    {
        error = null;
        bool keyed = kind is EventFilterKind.Stream or EventFilterKind.StreamPrefix or EventFilterKind.TypePrefix;
        if (keyed && (key.IsEmpty || key.Length > ConsumerLimits.MaxKeyBytes))
        {
            string what = kind switch
            {
                EventFilterKind.Stream => "stream id",
                EventFilterKind.StreamPrefix => "stream prefix",
                _ => "type prefix",
            };
            error = string.Create(CultureInfo.InvariantCulture, $"the {what} of filter {kind} is {key.Length} bytes; it must be 1..{ConsumerLimits.MaxKeyBytes}");
            return false;
        }

        if (!keyed && !key.IsEmpty)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"filter {kind} takes no key; the key must be empty (it is {key.Length} bytes)");
            return false;
        }

        if (kind != EventFilterKind.Producer && producerId != 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"filter {kind} takes no producer id; it must be 0 (it is {producerId})");
            return false;
        }

        return true;
    }

    private static EventFilter Keyed(EventFilterKind kind, string key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        byte[] bytes = Encoding.UTF8.GetBytes(key);
        return TryValidate(kind, 0, bytes, out string? error) ? new EventFilter(kind, 0, bytes) : throw new ArgumentException(error, paramName);
    }

    /// <summary>Whether an event with this stream id, type (UTF-8 bytes) and producer matches; bytes compare exactly (case-sensitive).</summary>
    public bool Matches(ReadOnlySpan<byte> stream, ReadOnlySpan<byte> type, ulong producerId) => Kind switch
    {
        EventFilterKind.Stream => stream.SequenceEqual(_key),
        EventFilterKind.StreamPrefix => stream.StartsWith(_key),
        EventFilterKind.TypePrefix => type.StartsWith(_key),
        EventFilterKind.Producer => producerId == ProducerId,
        _ => true,
    };

    /// <summary>Same kind, producer id and key bytes.</summary>
    public bool Equals(EventFilter other) => Kind == other.Kind && ProducerId == other.ProducerId && Key.SequenceEqual(other.Key);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EventFilter other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        hash.Add(ProducerId);
        hash.AddBytes(Key);
        return hash.ToHashCode();
    }

    /// <summary>Whether two filters are equal.</summary>
    public static bool operator ==(EventFilter left, EventFilter right) => left.Equals(right);

    /// <summary>Whether two filters differ.</summary>
    public static bool operator !=(EventFilter left, EventFilter right) => !left.Equals(right);
}
