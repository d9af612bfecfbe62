using System;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Pipeline.Peers.Systems;

/// <summary>
/// The Marten driver's live subscriber: a Marten subscription (run by the async daemon, which pushes it the events a
/// page at a time in sequence order) that hands each ledger event's send timestamp to the attached callback.
/// </summary>
/// <remarks>
/// Registered with the store when it is built (Marten takes subscriptions at configuration time); it starts from the
/// store's high-water mark when the daemon starts it, so it sees the events appended from then on.
/// </remarks>
internal sealed class MartenPeerSubscription : SubscriptionBase
{
    // Design: _onEvent is written by the thread that attaches or detaches the subscriber and read by the daemon's agent
    // for each page; the daemon runs a subscription's pages one after another, so the callback is never called
    // concurrently. Interlocked on the write side makes attaching exclusive; the read is a plain volatile read: a page
    // that sees the old value after a detach only delivers a few events to a subscriber that no longer counts them.
    private Action<long>? _onEvent;

    public MartenPeerSubscription()
    {
        Name = SubscriptionName;
        Options.SubscribeFromPresent();
    }

    /// <summary>The subscription's (and its daemon shard's) name.</summary>
    public const string SubscriptionName = "PeersSubscriber";

    /// <summary>Attaches <paramref name="onEvent"/>; false when another subscriber is attached.</summary>
    public bool TryAttach(Action<long> onEvent) => Interlocked.CompareExchange(ref _onEvent, onEvent, null) is null;

    public void Detach() => Volatile.Write(ref _onEvent, null);

    public override Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        Action<long>? onEvent = Volatile.Read(ref _onEvent);
        if (onEvent is not null)
        {
            foreach (IEvent e in page.Events)
            {
                // Marten's own rows (tombstones of failed transactions) are not ledger events.
                if (e.Data is ILedgerEvent ledger)
                {
                    onEvent(ledger.Timestamp);
                }
            }
        }

        return Task.FromResult(NullChangeListener.Instance);
    }
}
