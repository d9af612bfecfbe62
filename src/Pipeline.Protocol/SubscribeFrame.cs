using System;
using System.Globalization;

namespace Pipeline.Protocol;

/// <summary>A parsed SUBSCRIBE (protocol version 3): views into the receive buffer.</summary>
/// <remarks>
/// <see cref="ClientFrames.TryParseSubscribe"/> checks only the layout and the start and filter bytes;
/// <see cref="TryValidate"/> checks the rules whose breach is SUB_END BAD_REQUEST rather than a MALFORMED error.
/// </remarks>
public readonly ref struct SubscribeFrame
{
    /// <summary>Creates a frame from its fields (the parser's and the tests' constructor).</summary>
    public SubscribeFrame(ulong subscriptionId, SubscriptionStart start, ulong from, uint credits, EventFilterKind filterKind, ulong producerId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> consumer)
    {
        SubscriptionId = subscriptionId;
        Start = start;
        From = from;
        Credits = credits;
        FilterKind = filterKind;
        ProducerId = producerId;
        Key = key;
        Consumer = consumer;
    }

    /// <summary>Chosen by the client; names the subscription in every later frame both ways.</summary>
    public ulong SubscriptionId { get; }

    /// <summary>Where the subscription starts.</summary>
    public SubscriptionStart Start { get; }

    /// <summary><see cref="SubscriptionStart.StartAt"/>: the first position wanted (0 means 1); 0 for the other starts.</summary>
    public ulong From { get; }

    /// <summary>Events the server may send before the next CREDIT: 0 to <see cref="ConsumerLimits.MaxCredits"/>.</summary>
    public uint Credits { get; }

    /// <summary>Which events the subscription wants.</summary>
    public EventFilterKind FilterKind { get; }

    /// <summary>The producer of <see cref="EventFilterKind.Producer"/>; 0 for the other filters.</summary>
    public ulong ProducerId { get; }

    /// <summary>UTF-8 key of the filters that take one; empty for the others.</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>The consumer name the subscription holds; empty for an anonymous subscription.</summary>
    public ReadOnlySpan<byte> Consumer { get; }

    /// <summary>Checks the rules of a well-formed SUBSCRIBE; false with the SUB_END BAD_REQUEST message when one is broken.</summary>
    /// <remarks>Allocates only the message of a broken rule.</remarks>
    public bool TryValidate(out string? error)
    {
        error = null;
        if (Credits > ConsumerLimits.MaxCredits)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"credits {Credits} is outside 0..{ConsumerLimits.MaxCredits}");
            return false;
        }

        if (Start != SubscriptionStart.StartAt && From != 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"start {Start} takes no from; it must be 0 (it is {From})");
            return false;
        }

        if (!EventFilter.TryValidate(FilterKind, ProducerId, Key, out error))
        {
            return false;
        }

        if (Consumer.IsEmpty)
        {
            if (Start == SubscriptionStart.Checkpoint)
            {
                error = "start Checkpoint needs a consumer name";
                return false;
            }

            return true;
        }

        return ConsumerLimits.TryValidateConsumerName(Consumer, out error);
    }

    /// <summary>The subscription's filter, owning a copy of the key; call it on a frame that passed <see cref="TryValidate"/>.</summary>
    /// <exception cref="ArgumentException">The filter fields break a rule.</exception>
    public EventFilter CreateFilter() => new(FilterKind, ProducerId, Key);
}
