using Pipeline.Protocol;

namespace Pipeline.Ingest;

/// <summary>What a connection hands to the engine: the server's side of the protocol.</summary>
/// <remarks>Called on connection threads (thread-pool), many at once; implementations must be thread-safe.</remarks>
public interface IIngestBackend
{
    /// <summary>Answers HELLO: the producer's last journaled producer_seq and the journal's head sequence.</summary>
    (ulong LastProducerSequence, ulong HeadSequence) OnHello(ulong producerId);

    /// <summary>
    /// Puts a PUBLISH into the pipeline. Returns false when the pipeline is full: the connection waits and offers
    /// the same frame again (TCP then pushes back on the client). On true, exactly one
    /// <see cref="IngestConnection.SendAck"/> follows for it.
    /// </summary>
    bool TryPublish(IngestConnection connection, in PublishFrame frame);

    /// <summary>Starts a QUERY; exactly one <see cref="IngestConnection.SendResult"/> follows for it.</summary>
    void OnQuery(IngestConnection connection, in QueryFrame frame);
}
