using System;
using Pipeline.Schemas.Upcasting;

namespace Pipeline.Client;

/// <summary>Reads received events as the newest versions of their types, so consumer code handles one shape per type.</summary>
public static class StoredEventUpcasting
{
    /// <summary>
    /// The event as the newest version <paramref name="upcasters"/> reach for its type: the event itself when its
    /// version is already the newest (or its type has no steps), otherwise a copy with that version and payload.
    /// </summary>
    /// <remarks>
    /// The service never rewrites a stored event; this only changes what the caller reads. Allocates only for an event
    /// a step changes (the new payload and record). Thread-safe.
    /// </remarks>
    /// <example><c>StoredEvent e = item.Event!.Upcast(LedgerUpcasters.Chain);</c></example>
    public static StoredEvent Upcast(this StoredEvent storedEvent, UpcasterChain upcasters)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        ArgumentNullException.ThrowIfNull(upcasters);
        ReadOnlyMemory<byte> payload = upcasters.Upcast(storedEvent.Type, storedEvent.SchemaVersion, storedEvent.Payload, out ushort newest);
        return newest == storedEvent.SchemaVersion ? storedEvent : storedEvent with { SchemaVersion = newest, Payload = payload };
    }
}
