using System;

namespace Pipeline.Peers;

/// <summary>
/// One event to append: the stream it belongs to (an account's, <c>account-&lt;id&gt;</c>, as the ledger names it), its
/// type (<c>ledger.deposited</c>, ...) and its JSON data (the ledger command's payload, pre-encoded).
/// </summary>
/// <param name="Stream">The stream (one per account).</param>
/// <param name="Type">The event type.</param>
/// <param name="Data">The event's JSON, UTF-8.</param>
/// <param name="Timestamp">
/// The <see cref="System.Diagnostics.Stopwatch"/> timestamp of the send, set by the runner just before the append. A
/// driver carries it with the event (a field, a header) so that a subscriber in the same process can time the
/// delivery (sent -> received); 0 where nobody times it.
/// </param>
internal readonly record struct PeerEvent(string Stream, string Type, ReadOnlyMemory<byte> Data, long Timestamp = 0);
