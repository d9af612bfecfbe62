using System;
using System.Text;
using Pipeline.Protocol;

namespace Pipeline.Client;

/// <summary>What to subscribe to, from where, and how many events the client may hold for the caller.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>The default <see cref="Credits"/> window.</summary>
    public const int DefaultCredits = 1024;

    /// <summary>
    /// Where the subscription starts: <see cref="SubscriptionStart.Beginning"/> (the default), <see cref="SubscriptionStart.End"/>
    /// (only events that become visible later), <see cref="SubscriptionStart.StartAt"/> (<see cref="From"/>), or
    /// <see cref="SubscriptionStart.Checkpoint"/> (after the <see cref="Consumer"/>'s checkpoint, strictly: a consumer without
    /// one ends the enumeration with <see cref="SubscriptionEndStatus.ConsumerNotFound"/>).
    /// </summary>
    /// <remarks>
    /// With a <see cref="Consumer"/> and any other start, the client asks for the consumer's checkpoint first and falls
    /// back to this start only when the server answers CONSUMER_NOT_FOUND (a consumer that never committed).
    /// </remarks>
    public SubscriptionStart Start { get; init; } = SubscriptionStart.Beginning;

    /// <summary>The first position wanted with <see cref="SubscriptionStart.StartAt"/> (0 means 1); must be 0 for the other starts.</summary>
    public ulong From { get; init; }

    /// <summary>Which events to deliver (default: every event); e.g. <c>EventFilter.TypePrefix("ledger.")</c>.</summary>
    public EventFilter Filter { get; init; }

    /// <summary>
    /// A durable consumer's name (1 to 128 ASCII letters, digits, '.', '_' or '-'), or null for an anonymous
    /// subscription. The subscription holds the consumer while it is open; commit with <see cref="PipelineClient.CommitAsync"/>.
    /// </summary>
    public string? Consumer { get; init; }

    /// <summary>
    /// With a <see cref="Consumer"/>: true (the default) resumes after the consumer's checkpoint on the server when it
    /// has one (see <see cref="Start"/>); false starts exactly at <see cref="Start"/> and only holds the consumer name
    /// (for a caller that keeps its own checkpoint, as the projection runner keeps it in its database).
    /// </summary>
    public bool ResumeFromCheckpoint { get; init; } = true;

    /// <summary>
    /// The credit window, 1 to 1,000,000 (default 1024): the most events the server sends before the caller takes
    /// them, and so the most the client buffers for this subscription. The client grants credits again each time the
    /// caller has taken half the window.
    /// </summary>
    public int Credits { get; init; } = DefaultCredits;

    /// <summary>The consumer name as UTF-8 (empty when anonymous), after checking every rule.</summary>
    /// <exception cref="ArgumentException">A rule of the properties above is broken; the message says which.</exception>
    internal byte[] Validate()
    {
        if (Start is < SubscriptionStart.Beginning or > SubscriptionStart.Checkpoint)
        {
            throw new ArgumentException($"Start {(byte)Start} is not a SubscriptionStart.", nameof(Start));
        }

        if (From != 0 && Start != SubscriptionStart.StartAt)
        {
            throw new ArgumentException($"From ({From}) goes only with Start = StartAt; Start is {Start}.", nameof(From));
        }

        if (Credits is < 1 or > ConsumerLimits.MaxCredits)
        {
            throw new ArgumentOutOfRangeException(nameof(Credits), Credits, $"Credits must be from 1 to {ConsumerLimits.MaxCredits}.");
        }

        if (Consumer is null)
        {
            return Start == SubscriptionStart.Checkpoint
                ? throw new ArgumentException("Start = Checkpoint needs a Consumer.", nameof(Consumer))
                : [];
        }

        return ConsumerName(Consumer, nameof(Consumer));
    }

    /// <summary>A consumer name's UTF-8 bytes, checked.</summary>
    /// <exception cref="ArgumentException">The name breaks the rule (the message says how).</exception>
    internal static byte[] ConsumerName(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        return ConsumerLimits.TryValidateConsumerName(bytes, out string? error) ? bytes : throw new ArgumentException(error, paramName);
    }
}
