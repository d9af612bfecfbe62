using System;
using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>What a connection hands to the engine: the server's side of the protocol.</summary>
/// <remarks>Called on connection threads (thread-pool), many at once; implementations must be thread-safe.</remarks>
public interface IIngestBackend
{
    /// <summary>Answers HELLO: the producer's last journaled producer_seq and the journal's head sequence.</summary>
    (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId);

    /// <summary>
    /// Puts a run of PUBLISH frames into the pipeline, in order: <paramref name="bodies"/> are the frames' bodies
    /// within <paramref name="buffer"/>, each already checked by <see cref="ClientFrames.TryParsePublish"/>.
    /// Returns how many of the first frames it took (0 when the pipeline is full: the connection waits and offers
    /// them again, and TCP pushes back on the client). Exactly one <see cref="IngestConnection.SendAck"/> follows
    /// for each frame taken.
    /// </summary>
    int TryPublish(IngestConnection connection, ReadOnlySpan<byte> buffer, ReadOnlySpan<Range> bodies);

    /// <summary>Starts a QUERY; exactly one <see cref="IngestConnection.SendResult"/> follows for it.</summary>
    void OnQuery(IngestConnection connection, in QueryFrame frame);

    /// <summary>
    /// Starts a READ (protocol version 2 connections only; the frame is well-formed, its rules unchecked, see
    /// <see cref="ReadFrame.TryValidate"/>): zero or more <see cref="IngestConnection.SendEventsAsync"/>, then
    /// exactly one <see cref="IngestConnection.SendReadEnd"/>. The frame's spans are valid only during the call.
    /// </summary>
    /// <remarks>
    /// Called on the connection's reader: copy what the read needs and serve it elsewhere (it may block on disk).
    /// The default answers READ_END NOT_SUPPORTED at once, for a backend that serves no reads
    /// (<see cref="EventReadService.Start"/> serves them from an event store).
    /// </remarks>
    void OnRead(IngestConnection connection, in ReadFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.SendReadEnd(frame.RequestId, ReadStatus.NotSupported, 0, 0, 0, "this server does not serve reads");
    }

    /// <summary>
    /// Opens a subscription (protocol version 3 connections only; the frame is well-formed, its rules unchecked, see
    /// <see cref="SubscribeFrame.TryValidate"/>): SUBSCRIBED or a refusing SUB_END, then the subscription's frames.
    /// The frame's spans are valid only during the call.
    /// </summary>
    /// <remarks>
    /// Called on the connection's reader; must not block. The default answers SUB_END NOT_SUPPORTED
    /// (<see cref="SubscriptionService"/> serves subscriptions from an event store).
    /// </remarks>
    void OnSubscribe(IngestConnection connection, in SubscribeFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.SendSubEnd(frame.SubscriptionId, SubscriptionEndStatus.NotSupported, 0, "this server does not serve subscriptions");
    }

    /// <summary>Adds credits to a subscription of this connection (version 3).</summary>
    /// <remarks>Called on the connection's reader; must not block. The default answers SUB_END NOT_FOUND: no subscription can be open.</remarks>
    void OnCredit(IngestConnection connection, in CreditFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.SendSubEnd(frame.SubscriptionId, SubscriptionEndStatus.NotFound, 0, "no such subscription");
    }

    /// <summary>Ends a subscription of this connection (version 3): SUB_END UNSUBSCRIBED, or NOT_FOUND.</summary>
    /// <remarks>Called on the connection's reader; must not block. The default answers SUB_END NOT_FOUND: no subscription can be open.</remarks>
    void OnUnsubscribe(IngestConnection connection, in UnsubscribeFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.SendSubEnd(frame.SubscriptionId, SubscriptionEndStatus.NotFound, 0, "no such subscription");
    }

    /// <summary>
    /// Starts a FETCH (version 3; the frame is well-formed, its rules unchecked, see <see cref="FetchFrame.TryValidate"/>):
    /// zero or more <see cref="IngestConnection.SendEventsAsync"/>, then exactly one <see cref="IngestConnection.SendReadEnd"/>.
    /// </summary>
    /// <remarks>
    /// Called on the connection's reader: copy what the fetch needs and serve it elsewhere. The default answers
    /// READ_END NOT_SUPPORTED (<see cref="FetchService"/> serves fetches from an event store).
    /// </remarks>
    void OnFetch(IngestConnection connection, in FetchFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.SendReadEnd(frame.RequestId, ReadStatus.NotSupported, 0, 0, 0, "this server does not serve fetches");
    }

    /// <summary>Sets a durable consumer's checkpoint (version 3): exactly one <see cref="IngestConnection.SendConsumerResult"/> follows.</summary>
    /// <remarks>Called on the connection's reader; must not block (the checkpoint's fsync runs elsewhere). The default answers NOT_SUPPORTED.</remarks>
    void OnCommit(IngestConnection connection, in CommitFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.SendConsumerResult(frame.RequestId, ConsumerResultStatus.NotSupported, 0, "this server keeps no checkpoints");
    }

    /// <summary>Resets or deletes a durable consumer (version 3): exactly one <see cref="IngestConnection.SendConsumerResult"/> follows.</summary>
    /// <remarks>Called on the connection's reader; must not block. The default answers NOT_SUPPORTED.</remarks>
    void OnConsumerAdmin(IngestConnection connection, in ConsumerAdminFrame frame)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.SendConsumerResult(frame.RequestId, ConsumerResultStatus.NotSupported, 0, "this server keeps no checkpoints");
    }

    /// <summary>
    /// The connection's reading ended (the client left, a protocol error, or shutdown): end its subscriptions without
    /// SUB_END and release the consumers they hold. Called once per connection, after its last frame was handed over.
    /// </summary>
    /// <remarks>Called on the connection's reader; must not block or throw. The default does nothing.</remarks>
    void OnConnectionClosed(IngestConnection connection)
    {
    }
}
