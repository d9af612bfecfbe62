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
}
