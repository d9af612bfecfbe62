using System.Collections.Generic;

namespace Pipeline.LoadGen;

/// <summary>The subscribers' figures of a load run with <c>--subscribers N</c>, as its JSON carries them (<c>subscribers</c>).</summary>
/// <param name="Count">Subscribers (each reads every event).</param>
/// <param name="From">"end": subscribed at the end of the store when the measured part started; "start": from position 1.</param>
/// <param name="Credits">Each subscription's credit window.</param>
/// <param name="EventsReceived">Events received by all subscribers in the measured part.</param>
/// <param name="EventsPerSecond">The same per second of the measured part (all subscribers together).</param>
/// <param name="HeadAtEnd">The visible head when the measured part ended.</param>
/// <param name="MaxLagAtEnd">The slowest subscriber's lag then: head minus the position of its last event received.</param>
/// <param name="CaughtUp">
/// Subscribers whose CAUGHT_UP came before the measured part ended: the first time a subscription has considered
/// every event up to the visible head. Under load a subscriber that cannot keep up with the head never gets it,
/// from the end as from the start (from the start, only the events after it are timed).
/// </param>
/// <param name="FinalHead">The visible head once the publishers' last commands were answered.</param>
/// <param name="Settled">Subscribers that reached the final head within the settle time.</param>
/// <param name="SettleSeconds">How long the wait for the final head took.</param>
/// <param name="BeforeAck">Live events received before the publisher recorded their command's ACK (timed as 0 µs).</param>
/// <param name="Untimed">Live events whose command had no recorded ACK even at the end (send -> received unknown).</param>
/// <param name="Failed">Subscribers whose subscription ended other than by the stop.</param>
/// <param name="Failure">The first such failure, or null.</param>
/// <param name="Hgrm">The durable -> received histogram's file (<c>NAME.subscribe.hgrm</c>), beside the JSON.</param>
/// <param name="DurableToReceivedUs">
/// Live delivery latency, µs: an event's receive time minus the time its publisher saw the ACK of its command (the
/// ACK is sent once the command is durable), for the live events of the measured part (from the end: all of them;
/// from the start: those after the subscriber's CAUGHT_UP).
/// </param>
/// <param name="SentToReceivedUs">The same events from their command's publish send, µs.</param>
/// <param name="SentHgrm">The sent -> received histogram's file (<c>NAME.subscribe-sent.hgrm</c>), beside the JSON: the measure the peers stage sets against other systems.</param>
/// <param name="PerSubscriber">One line per subscriber.</param>
internal sealed record SubscribersReport(
    int Count,
    string From,
    int Credits,
    long EventsReceived,
    double EventsPerSecond,
    long HeadAtEnd,
    long MaxLagAtEnd,
    int CaughtUp,
    long FinalHead,
    int Settled,
    double SettleSeconds,
    long BeforeAck,
    long Untimed,
    int Failed,
    string? Failure,
    string Hgrm,
    LatencySummary DurableToReceivedUs,
    LatencySummary SentToReceivedUs,
    IReadOnlyList<SubscriberLine> PerSubscriber,
    string? SentHgrm = null);
